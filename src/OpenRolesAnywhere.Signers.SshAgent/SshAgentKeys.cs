using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.Core.Certificates;
using OpenRolesAnywhere.Core.Signing;

namespace OpenRolesAnywhere.Signers.SshAgent;

/// <summary>Finds keys in the SSH agent named by <c>SSH_AUTH_SOCK</c>.</summary>
public static class SshAgentKeys
{
    /// <summary>Long enough for a person to touch a hardware key or answer a confirmation prompt.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Every key the agent holds, usable or not, for listing.</summary>
    /// <param name="environment">Reads environment variables; the process environment when null.</param>
    public static IReadOnlyList<SshAgentIdentity> ListIdentities(Func<string, string?>? environment = null, TimeSpan? timeout = null) =>
        SshAgentClient.FromEnvironment(environment, timeout ?? DefaultTimeout)
            .ListIdentitiesAsync(CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>
    /// The agent key with <paramref name="fingerprint"/> (<c>SHA256:...</c> as <c>ssh-add -l</c> prints it)
    /// or, when none is given, the one whose public key is <paramref name="certificate"/>'s. With both, the
    /// key must also match the certificate.
    /// </summary>
    public static Task<SshAgentSigningKey> OpenAsync(
        string? fingerprint, CertificateBundle? certificate, Func<string, string?>? environment = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        OpenAsync(fingerprint, certificate, asCertificateAuthority: false, environment, timeout, cancellationToken);

    /// <summary>
    /// The agent key with <paramref name="fingerprint"/> to sign as a CA: a P-384 key too, which the agent signs over
    /// SHA-384 (what a P-384 CA's signatures take) and CreateSession cannot use.
    /// </summary>
    public static Task<SshAgentSigningKey> OpenCaKeyAsync(string? fingerprint, Func<string, string?>? environment = null, CancellationToken cancellationToken = default) =>
        OpenAsync(fingerprint, null, asCertificateAuthority: true, environment, null, cancellationToken);

    private static async Task<SshAgentSigningKey> OpenAsync(
        string? fingerprint, CertificateBundle? certificate, bool asCertificateAuthority, Func<string, string?>? environment, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        if (fingerprint is null && certificate is null)
        {
            throw new CredentialException(CredentialErrorKind.InvalidInput,
                "Say which SSH agent key to use: --ssh-fingerprint SHA256:... (`ssh-add -l -E sha256` lists them), or a certificate to match.");
        }

        var agent = SshAgentClient.FromEnvironment(environment, timeout ?? DefaultTimeout);
        var identities = await agent.ListIdentitiesAsync(cancellationToken);
        return new SshAgentSigningKey(agent, Select(identities, fingerprint, certificate, agent.SocketPath, asCertificateAuthority));
    }

    internal static SshAgentIdentity Select(
        IReadOnlyList<SshAgentIdentity> identities, string? fingerprint, CertificateBundle? certificate, string socketPath, bool asCertificateAuthority = false)
    {
        var certificateKey = certificate?.Leaf.PublicKey;
        var wanted = fingerprint is null ? null
            : (fingerprint.StartsWith("SHA256:", StringComparison.Ordinal) ? fingerprint : "SHA256:" + fingerprint).TrimEnd('=');
        var identity = wanted is not null
            ? identities.FirstOrDefault(i => i.Fingerprint == wanted)
                ?? throw new CredentialException(CredentialErrorKind.KeyNotFound,
                    $"The SSH agent at {socketPath} holds no key with the fingerprint {fingerprint}. {Holds(identities)}" +
                    (fingerprint!.StartsWith("MD5:", StringComparison.Ordinal) ? " Give the SHA256 fingerprint (`ssh-add -l -E sha256`)." : ""))
            : identities.FirstOrDefault(i => i.PublicKey is { } key && PublicKeys.AreEqual(key, certificateKey!))
                ?? throw new CredentialException(CredentialErrorKind.KeyNotFound,
                    $"The SSH agent at {socketPath} holds no key matching the certificate {certificate!.Leaf.Subject}: add the key it was issued for with `ssh-add KEYFILE`. {Holds(identities)}");

        if (identity.Unsupported is { } why && !(asCertificateAuthority && identity.Kind == SigningKeyKind.EcdsaP384))
        {
            throw new CredentialException(CredentialErrorKind.KeyUnsupported,
                $"The SSH agent key {identity.Fingerprint} ({identity.KeyType}) cannot sign for Roles Anywhere: {why}");
        }

        return certificateKey is null || PublicKeys.AreEqual(identity.PublicKey!, certificateKey)
            ? identity
            : throw new CredentialException(CredentialErrorKind.KeyMismatch,
                $"The SSH agent key {identity.Fingerprint} is not the key of the certificate {certificate!.Leaf.Subject}. Give the fingerprint of the key the certificate was issued for, or leave --ssh-fingerprint out to find it.");
    }

    internal static string Describe(IReadOnlyList<SshAgentIdentity> identities) =>
        string.Join("; ", identities.Select(i => i.ToString()));

    private static string Holds(IReadOnlyList<SshAgentIdentity> identities) =>
        identities.Count == 0
            ? "It holds no keys at all (or is locked: `ssh-add -X` unlocks it); add yours with `ssh-add KEYFILE`."
            : $"It holds: {Describe(identities)}.";
}
