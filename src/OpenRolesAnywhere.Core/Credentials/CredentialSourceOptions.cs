using System.Globalization;
using OpenRolesAnywhere.Core.Certificates;
using OpenRolesAnywhere.Core.Configuration;
using OpenRolesAnywhere.Core.KeySources;
using OpenRolesAnywhere.Core.RolesAnywhere;

namespace OpenRolesAnywhere.Core.Credentials;

/// <summary>
/// One certificate-and-role as a person configures it: the flags of <c>credential-process</c>, and one
/// entry of <c>serve</c>'s config file. Mutable so the options pattern can bind it.
/// </summary>
public sealed class CredentialSourceOptions
{
    /// <summary>Source name for <c>serve</c>; with no <see cref="Certificate"/>, also the saved certificate <c>NAME.pem</c>.</summary>
    public string? Name { get; set; }

    public string? Certificate { get; set; }

    public string? Intermediates { get; set; }

    public KeySourceOptions Key { get; set; } = new();

    public string? TrustAnchorArn { get; set; }

    public string? ProfileArn { get; set; }

    public string? RoleArn { get; set; }

    /// <summary>Seconds or a Go duration (<c>3600</c>, <c>1h</c>).</summary>
    public string SessionDuration { get; set; } = "3600";

    public string? RoleSessionName { get; set; }

    public string? Region { get; set; }

    public string? Endpoint { get; set; }

    /// <summary>
    /// <c>serve</c> only: the token file (0600) whose token alone opens this source, so each workload gets its own role;
    /// null: the server's token. Not part of <see cref="CacheKey"/>: it decides who may ask, not what is asked for.
    /// </summary>
    public string? TokenFile { get; set; }

    /// <summary>The certificate file this source reads: <see cref="Certificate"/>, or the saved one named <see cref="Name"/>.</summary>
    public string CertificatePath(Func<string, string?>? environment = null) =>
        Certificate ?? (Name is { Length: > 0 } name
            ? ConfigPaths.NamedCertificate(name, environment)
            : throw new CredentialException(CredentialErrorKind.InvalidInput, "Say which certificate to use: --certificate FILE, or --name NAME for a certificate saved as NAME.pem."));

    /// <summary>
    /// Reads the certificate at <paramref name="path"/> (<see cref="CertificatePath"/>) through the backend that holds it.
    /// A saved certificate that does not exist yet gets the steps that make it, not a bare "cannot read".
    /// </summary>
    public CertificateBundle LoadCertificate(KeySourceProviders keys, string path)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (Certificate is null && Name is not null && !File.Exists(path))
        {
            var name = Path.GetFileNameWithoutExtension(path);
            throw new CredentialException(CredentialErrorKind.CertificateInvalid,
                $"No certificate is saved as '{name}' ({path}). To get one: ask for it with `openrolesanywhere request-certificate " +
                $"--ssh-fingerprint SHA256:... --common-name YOUR-NAME > {name}.csr` (the SHA256 from `ssh-add -l`), send {name}.csr to your " +
                $"administrator, and save the certificate they send back as {path}. A certificate file elsewhere: --certificate FILE.");
        }

        return keys.LoadCertificate(path, Intermediates, Key);
    }

    /// <summary>
    /// Completes the request from the certificate where flags are silent: the trust anchor and profile
    /// ARNs that our CA writes into the subject alternative name.
    /// </summary>
    public CreateSessionRequest ToRequest(CertificateBundle certificate)
    {
        var (anchorFromCertificate, profileFromCertificate) = certificate.ArnsFromSubjectAlternativeName();
        return new CreateSessionRequest(
            TrustAnchorArn ?? anchorFromCertificate ?? throw Missing("--trust-anchor-arn", "trust anchor"),
            ProfileArn ?? profileFromCertificate ?? throw Missing("--profile-arn", "profile"),
            RoleArn ?? throw new CredentialException(CredentialErrorKind.InvalidInput, "Say which role to assume: --role-arn ARN."),
            Durations.Parse(SessionDuration, "The session duration"),
            RoleSessionName,
            Region,
            Endpoint);
    }

    /// <summary>
    /// The one key of this source: the cache key in <c>serve</c>, and what <c>credential-process</c> asks a running
    /// <c>serve</c> for. Made from these options alone, before the certificate is read or the key opened (most of a
    /// short-lived credential-process's work). Every option that shapes the request is in it as given (paths made
    /// absolute, the duration in seconds, secrets left out by the backends' descriptions): equal keys mean the same
    /// certificate, key, ARNs, duration, session name, region and endpoint.
    /// </summary>
    public string CacheKey(KeySourceProviders keys, Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(keys);
        string?[] fields =
        [
            keys.DescribeCertificate(CertificatePath(environment)), Intermediates is null ? null : Path.GetFullPath(Intermediates),
            keys.DescribeKey(Key), Key.Module, TrustAnchorArn, ProfileArn, RoleArn, RoleSessionName,
            ((long)Durations.Parse(SessionDuration, "The session duration").TotalSeconds).ToString(CultureInfo.InvariantCulture), Region, Endpoint,
        ];
        // One field a line, '\' and newlines escaped and null written as "\0": no two different option sets give the same text.
        return string.Join('\n', fields.Select(f => f is null ? "\\0" : f.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)));
    }

    private static CredentialException Missing(string flag, string what) =>
        new(CredentialErrorKind.InvalidInput,
            $"Give the {what} ARN with {flag}: this certificate does not carry one in its subject alternative name.");
}

/// <summary>Where the private key is. At most one of the ways is given; none means "the SSH agent key matching the certificate".</summary>
public sealed class KeySourceOptions
{
    /// <summary>A reference a key backend reads: a PEM key file, or a URI (such as RFC 7512's for a token).</summary>
    public string? PrivateKey { get; set; }

    /// <summary>An SSH agent identity, <c>SHA256:…</c> as <c>ssh-add -l</c> prints it.</summary>
    public string? SshFingerprint { get; set; }

    /// <summary>The module (a shared library) a backend loads to reach the key, when the reference names none.</summary>
    public string? Module { get; set; }

    /// <summary>The environment variable holding a key file's or token's password/PIN.</summary>
    public string? PasswordEnvironmentVariable { get; set; }
}
