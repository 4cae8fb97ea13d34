using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using OpenRolesAnywhere.Core.Aws;
using OpenRolesAnywhere.Core.Certificates;
using OpenRolesAnywhere.Core.SigV4;
using OpenRolesAnywhere.Core.Signing;

namespace OpenRolesAnywhere.Core.RolesAnywhere;

/// <summary>
/// Calls IAM Roles Anywhere <c>CreateSession</c>, signed with the certificate's key. The checks AWS
/// would make on our side (key matches certificate, certificate valid) run first, so the usual
/// mistakes get a precise message instead of "AccessDenied".
/// </summary>
public sealed class RolesAnywhereClient
{
    private readonly TimeProvider _time;
    private readonly AwsRequestPipeline _pipeline;
    private readonly Func<string, string?> _environment;
    private readonly Action<SigV4Signature>? _signed;

    /// <param name="environment">Where <c>AWS_ENDPOINT_URL*</c> are read from (the process environment by default).</param>
    /// <param name="onSigned">Sees each attempt's signing (<c>--debug</c> prints its canonical request and string to sign).</param>
    public RolesAnywhereClient(
        HttpClient http, TimeProvider time, RetryPolicy? retry = null, Random? random = null, Func<string, string?>? environment = null,
        Action<SigV4Signature>? onSigned = null)
    {
        _time = time;
        _pipeline = new AwsRequestPipeline(http, time, AwsService.RolesAnywhere, retry, random);
        _environment = environment ?? Environment.GetEnvironmentVariable;
        _signed = onSigned;
    }

    public async Task<SessionCredentials> CreateSessionAsync(
        CreateSessionRequest request, CertificateBundle certificate, ISigningKey key, CancellationToken cancellationToken)
    {
        request.Validate();
        EnsureKeyFitsCertificate(certificate, key);
        certificate.EnsureValidAt(_time.GetUtcNow());
        var region = request.EffectiveRegion;
        var endpoint = AwsEndpoint.Resolve(AwsService.RolesAnywhere, request.Endpoint, region, _environment);
        var call = new AwsCall("CreateSession", HttpMethod.Post, "/sessions")
        {
            Query = [new("profileArn", request.ProfileArn), new("roleArn", request.RoleArn), new("trustAnchorArn", request.TrustAnchorArn)],
            JsonBody = RequestBody(request),
        };
        var text = await _pipeline.SendAsync(call, endpoint, region,
            async (signable, scope, ct) =>
            {
                var signature = await X509Signer.SignAsync(signable, certificate, key, scope, ct);
                _signed?.Invoke(signature);
                return signature;
            }, Advice, cancellationToken);
        // The certificate's end travels with the credentials, so the server reports it without reading the file again.
        return ParseCredentials(text) with { CertificateExpiration = certificate.Leaf.NotAfter.ToUniversalTime() };
    }

    /// <summary><c>{"durationSeconds":N[,"roleSessionName":"..."]}</c>, written without reflection.</summary>
    private static byte[] RequestBody(CreateSessionRequest request)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("durationSeconds", (int)request.Duration.TotalSeconds);
            if (request.RoleSessionName is { } name)
            {
                json.WriteString("roleSessionName", name);
            }

            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>The certificate's public key must be the key's, and the key a kind CreateSession accepts.</summary>
    public static void EnsureKeyFitsCertificate(CertificateBundle certificate, ISigningKey key)
    {
        if (!PublicKeys.AreEqual(certificate.Leaf.PublicKey, key.PublicKey))
        {
            throw new CredentialException(CredentialErrorKind.KeyMismatch,
                $"The certificate {certificate.Leaf.Subject} was not issued for the {key.Description}: their public keys differ. Pick the key the certificate was issued for.");
        }

        PublicKeys.KindOf(certificate.Leaf.PublicKey);
        // AWS4-X509-*-SHA256: P-256 and P-384 alike sign over SHA-256 (protocols.md); a CA's P-384 agent key cannot.
        if (key.SignatureHash != HashAlgorithmName.SHA256)
        {
            throw new CredentialException(CredentialErrorKind.KeyUnsupported,
                $"The {key.Description} signs over {key.SignatureHash.Name}, and Roles Anywhere takes signatures over SHA-256 only. Use an ECDSA P-256 or RSA key.");
        }
    }

    private static SessionCredentials ParseCredentials(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            var set = document.RootElement.GetProperty("credentialSet")[0];
            var credentials = set.GetProperty("credentials");
            return new SessionCredentials(
                credentials.GetProperty("accessKeyId").GetString()!,
                credentials.GetProperty("secretAccessKey").GetString()!,
                credentials.GetProperty("sessionToken").GetString()!,
                DateTimeOffset.Parse(credentials.GetProperty("expiration").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
                set.GetProperty("roleArn").GetString()!,
                set.TryGetProperty("assumedRoleUser", out var user) && user.TryGetProperty("arn", out var arn) ? arn.GetString() : null);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or IndexOutOfRangeException or NullReferenceException)
        {
            throw new CredentialException(CredentialErrorKind.ServiceUnavailable, "Roles Anywhere answered CreateSession with a body that is not a credential set.", e);
        }
    }

    /// <summary>CreateSession's own advice for the errors people meet; the rest get the pipeline's message.</summary>
    private static CredentialException? Advice(AwsError error)
    {
        var (message, said) = (error.ServiceMessage, error.Said);
        return error.Type switch
        {
            "AccessDeniedException" when message?.Contains("Untrusted", StringComparison.OrdinalIgnoreCase) == true
                => new(CredentialErrorKind.AccessDenied, $"The service does not trust this certificate's issuer, or the certificate is revoked (AWS says the same for both): is the trust anchor enabled, is this the right CA, are the intermediates sent, or has a CRL imported for the trust anchor revoked it (ask your administrator)? `openrolesanywhere doctor` checks each.{said}"),
            "AccessDeniedException" when message?.Contains("Signature expired", StringComparison.OrdinalIgnoreCase) == true
                => new(CredentialErrorKind.AccessDenied, $"Roles Anywhere says the request's time is too far from its own: set this machine's clock right (NTP).{said}"),
            "AccessDeniedException" when message?.Contains("expired", StringComparison.OrdinalIgnoreCase) == true
                => new(CredentialErrorKind.CertificateInvalid, $"Roles Anywhere says the certificate has expired or is not yet valid; ask for a new one.{said}"),
            "AccessDeniedException" when message?.Contains("role", StringComparison.OrdinalIgnoreCase) == true
                => new(CredentialErrorKind.AccessDenied, $"The role is not allowed: is it listed in the profile, and does its trust policy allow rolesanywhere.amazonaws.com?{said}"),
            "AccessDeniedException" => new(CredentialErrorKind.AccessDenied,
                $"Roles Anywhere refused the request: check that the trust anchor and profile are enabled, the role is in the profile, and the certificate is not revoked.{said}"),
            "ResourceNotFoundException" => new(CredentialErrorKind.NotFound,
                $"Roles Anywhere does not know the trust anchor or profile: check the ARNs and the region.{said}"),
            _ when error.Kind == CredentialErrorKind.Throttled => new(CredentialErrorKind.Throttled,
                $"Roles Anywhere is throttling CreateSession (about 10 calls a second per account): run `openrolesanywhere serve` to share cached credentials, or try again shortly.{said}"),
            _ => null,
        };
    }
}
