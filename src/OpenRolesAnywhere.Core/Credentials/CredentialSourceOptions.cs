using System.Globalization;
using OpenRolesAnywhere.Core.Certificates;
using OpenRolesAnywhere.Core.Configuration;
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

    /// <summary>The certificate file this source reads: <see cref="Certificate"/>, or the saved one named <see cref="Name"/>.</summary>
    public string CertificatePath(Func<string, string?>? environment = null) =>
        Certificate ?? (Name is { Length: > 0 } name
            ? ConfigPaths.NamedCertificate(name, environment)
            : throw new CredentialException(CredentialErrorKind.InvalidInput, "Say which certificate to use: --certificate FILE, or --name NAME for a certificate saved as NAME.pem."));

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

    /// <summary>The cache key: what makes two sources ask CreateSession for the same thing.</summary>
    public string CacheKey(CreateSessionRequest request, string certificatePath) =>
        string.Join('\n', certificatePath.StartsWith("pkcs11:", StringComparison.OrdinalIgnoreCase) ? KeySourceOptions.StripPin(certificatePath) : Path.GetFullPath(certificatePath), Key.Describe(), request.TrustAnchorArn, request.ProfileArn,
            request.RoleArn, request.RoleSessionName, (long)request.Duration.TotalSeconds, request.EffectiveRegion);

    /// <summary>
    /// A key made from these options alone, without reading the certificate or opening the key, so
    /// <c>credential-process</c> can ask a running <c>serve</c> before paying for either. Every option that
    /// shapes the request is in it as given (the duration normalised): equal keys mean the same certificate
    /// file, key, ARNs, duration, session name, region and endpoint. It never equals a <see cref="CacheKey"/>.
    /// </summary>
    public string LookupKey(Func<string, string?>? environment = null)
    {
        var certificatePath = CertificatePath(environment);
        string?[] fields =
        [
            certificatePath.StartsWith("pkcs11:", StringComparison.OrdinalIgnoreCase) ? KeySourceOptions.StripPin(certificatePath) : Path.GetFullPath(certificatePath),
            Intermediates is null ? null : Path.GetFullPath(Intermediates), Key.Describe(), Key.Pkcs11Library, TrustAnchorArn, ProfileArn, RoleArn, RoleSessionName,
            ((long)Durations.Parse(SessionDuration, "The session duration").TotalSeconds).ToString(CultureInfo.InvariantCulture), Region, Endpoint,
        ];
        // Length-prefixed, null apart from empty: no two different option sets give the same text.
        return "options;" + string.Concat(fields.Select(f => f is null ? "-;" : $"{f.Length}:{f};"));
    }

    private static CredentialException Missing(string flag, string what) =>
        new(CredentialErrorKind.InvalidInput,
            $"Give the {what} ARN with {flag}: this certificate does not carry one in its subject alternative name.");
}

/// <summary>Where the private key is. At most one of the ways is given; none means "the SSH agent key matching the certificate".</summary>
public sealed class KeySourceOptions
{
    /// <summary>A PEM key file, or a <c>pkcs11:</c> URI (RFC 7512).</summary>
    public string? PrivateKey { get; set; }

    /// <summary>An SSH agent identity, <c>SHA256:…</c> as <c>ssh-add -l</c> prints it.</summary>
    public string? SshFingerprint { get; set; }

    /// <summary>The PKCS#11 module, when the URI does not name one.</summary>
    public string? Pkcs11Library { get; set; }

    /// <summary>The environment variable holding a key file's or token's password/PIN.</summary>
    public string? PasswordEnvironmentVariable { get; set; }

    public string Describe() => PrivateKey is { } key
        ? (key.StartsWith("pkcs11:", StringComparison.OrdinalIgnoreCase) ? StripPin(key) : "file:" + Path.GetFullPath(key))
        : "ssh-agent:" + (SshFingerprint ?? "matching");

    /// <summary>
    /// A PKCS#11 URI without its <c>pin-value</c> (in the query after <c>?</c>, or misplaced in the path), for cache
    /// keys and messages; pieces after it that are not <c>name=value</c> (a PIN's unencoded <c>;</c> or <c>&amp;</c>) go too.
    /// </summary>
    public static string StripPin(string uri)
    {
        static string Keep(string part, char separator)
        {
            var inPin = false;
            var kept = new List<string>();
            foreach (var piece in part.Split(separator))
            {
                var scheme = piece.StartsWith("pkcs11:", StringComparison.OrdinalIgnoreCase);
                var name = scheme ? piece["pkcs11:".Length..] : piece;
                inPin = name.StartsWith("pin-value=", StringComparison.OrdinalIgnoreCase) || (inPin && !name.Contains('=', StringComparison.Ordinal));
                if (!inPin || scheme)
                {
                    kept.Add(inPin ? "pkcs11:" : piece);
                }
            }

            return string.Join(separator, kept);
        }

        var question = uri.IndexOf('?', StringComparison.Ordinal);
        var path = Keep(question < 0 ? uri : uri[..question], ';');
        return question < 0 ? path : Keep(uri[(question + 1)..], '&') is { Length: > 0 } query ? path + "?" + query : path;
    }
}
