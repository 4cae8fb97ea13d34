using OpenRolesAnywhere.Core.Credentials;

namespace OpenRolesAnywhere.AwsSdk;

/// <summary>
/// What <see cref="RolesAnywhereCredentials"/> needs: the same fields as a <c>serve</c> source or the flags of
/// <c>credential-process</c>. Bound from <c>"RolesAnywhere": { ... }</c> by <c>AddRolesAnywhereCredentials</c>.
/// </summary>
public sealed class RolesAnywhereCredentialsOptions
{
    /// <summary>The configuration section <c>AddRolesAnywhereCredentials</c> binds by default.</summary>
    public const string SectionName = "RolesAnywhere";

    /// <summary>With no <see cref="Certificate"/>: the certificate saved as <c>NAME.pem</c> (as <c>--name</c>).</summary>
    public string? Name { get; set; }

    /// <summary>A PEM file (leaf, then intermediates) or a <c>pkcs11:…;type=cert</c> URI.</summary>
    public string? Certificate { get; set; }

    /// <summary>A PEM file of intermediate certificates, when <see cref="Certificate"/> has none.</summary>
    public string? Intermediates { get; set; }

    /// <summary>A PEM key file or a <c>pkcs11:</c> URI. Unset: the SSH agent (<see cref="SshFingerprint"/>, else the key matching the certificate).</summary>
    public string? PrivateKey { get; set; }

    /// <summary>An SSH agent identity, <c>SHA256:…</c> as <c>ssh-add -l</c> prints it.</summary>
    public string? SshFingerprint { get; set; }

    /// <summary>The PKCS#11 module, when the URI names none.</summary>
    public string? Pkcs11Module { get; set; }

    /// <summary>The environment variable holding the key file's password or the token's PIN (never the secret itself).</summary>
    public string? PasswordEnvironmentVariable { get; set; }

    /// <summary>Optional when the certificate carries it in a URI subject alternative name.</summary>
    public string? TrustAnchorArn { get; set; }

    /// <summary>Optional when the certificate carries it in a URI subject alternative name.</summary>
    public string? ProfileArn { get; set; }

    public string? RoleArn { get; set; }

    /// <summary>Seconds or a Go duration (<c>3600</c>, <c>1h</c>), 900 s to 12 h.</summary>
    public string SessionDuration { get; set; } = "3600";

    public string? RoleSessionName { get; set; }

    /// <summary>The Roles Anywhere region; unset: the trust anchor's.</summary>
    public string? Region { get; set; }

    /// <summary>The Roles Anywhere endpoint; unset: <c>AWS_ENDPOINT_URL_ROLESANYWHERE</c>, <c>AWS_ENDPOINT_URL</c>, then AWS's.</summary>
    public string? Endpoint { get; set; }

    /// <summary>
    /// Ask a running <c>openrolesanywhere serve</c> with the same source first (over its Unix socket), so the
    /// processes of one host share its cache; sign here when none answers.
    /// </summary>
    public bool UseLocalServer { get; set; }

    /// <summary>The same source as Core describes it, so the cache key is the one <c>serve</c> uses.</summary>
    internal CredentialSourceOptions ToSourceOptions() => new()
    {
        Name = Name,
        Certificate = Certificate,
        Intermediates = Intermediates,
        Key = new KeySourceOptions
        {
            PrivateKey = PrivateKey,
            SshFingerprint = SshFingerprint,
            Module = Pkcs11Module,
            PasswordEnvironmentVariable = PasswordEnvironmentVariable,
        },
        TrustAnchorArn = TrustAnchorArn,
        ProfileArn = ProfileArn,
        RoleArn = RoleArn,
        SessionDuration = SessionDuration,
        RoleSessionName = RoleSessionName,
        Region = Region,
        Endpoint = Endpoint,
    };
}
