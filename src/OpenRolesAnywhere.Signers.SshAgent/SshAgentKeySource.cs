using OpenRolesAnywhere.Core.Certificates;
using OpenRolesAnywhere.Core.Credentials;
using OpenRolesAnywhere.Core.KeySources;
using OpenRolesAnywhere.Core.Signing;

namespace OpenRolesAnywhere.Signers.SshAgent;

/// <summary>
/// The SSH agent as a key backend: it reaches the key when no <see cref="KeySourceOptions.PrivateKey"/> is given,
/// by <see cref="KeySourceOptions.SshFingerprint"/> or else the identity matching the certificate.
/// </summary>
public sealed class SshAgentKeySource : IKeySourceProvider
{
    private readonly Func<string, string?> _environment;

    /// <param name="environment">Reads <c>SSH_AUTH_SOCK</c>.</param>
    public SshAgentKeySource(Func<string, string?> environment)
    {
        _environment = environment;
    }

    public string Accepts => "an SSH agent key (no --private-key; --ssh-fingerprint SHA256:... or the key matching the certificate)";

    public bool HandlesKey(KeySourceOptions key) => key?.PrivateKey is null;

    public string DescribeKey(KeySourceOptions key) => "ssh-agent:" + (key?.SshFingerprint ?? "matching");

    public KeySourceOptions WithoutSecrets(KeySourceOptions key) => new() { SshFingerprint = key?.SshFingerprint };

    public async ValueTask<ISigningKey> OpenAsync(KeySourceOptions key, CertificateBundle? certificate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        return await SshAgentKeys.OpenAsync(key.SshFingerprint, certificate, _environment, cancellationToken: cancellationToken);
    }

    public async ValueTask<ISigningKey> OpenCaKeyAsync(KeySourceOptions key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        return await SshAgentKeys.OpenCaKeyAsync(key.SshFingerprint, _environment, cancellationToken);
    }
}
