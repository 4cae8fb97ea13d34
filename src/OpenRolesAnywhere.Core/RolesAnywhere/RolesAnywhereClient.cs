using System.Globalization;
using System.Text;
using System.Text.Json;
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
    private const string Service = "rolesanywhere";
    private readonly HttpClient _http;
    private readonly TimeProvider _time;
    private readonly RetryPolicy _retry;
    private readonly Random _random;
    private readonly Func<string, string?> _environment;

    /// <param name="environment">Where <c>AWS_ENDPOINT_URL*</c> are read from (the process environment by default).</param>
    public RolesAnywhereClient(HttpClient http, TimeProvider time, RetryPolicy? retry = null, Random? random = null, Func<string, string?>? environment = null)
    {
        _http = http;
        _time = time;
        _retry = retry ?? RetryPolicy.Default;
        _random = random ?? Random.Shared;
        _environment = environment ?? Environment.GetEnvironmentVariable;
    }

    public async Task<SessionCredentials> CreateSessionAsync(
        CreateSessionRequest request, CertificateBundle certificate, ISigningKey key, CancellationToken cancellationToken)
    {
        request.Validate();
        EnsureKeyFitsCertificate(certificate, key);
        certificate.EnsureValidAt(_time.GetUtcNow());
        var region = request.EffectiveRegion;
        var endpoint = RolesAnywhereEndpoint.Resolve(request.Endpoint, region, _environment);
        var body = RequestBody(request);

        for (var attempt = 0; ; attempt++)
        {
            var (credentials, failure, retryAfter) = await SendOnceAsync(request, certificate, key, region, endpoint, body, cancellationToken);
            if (credentials is not null)
            {
                return credentials;
            }

            if (!failure!.IsTransient || attempt + 1 >= _retry.MaxAttempts)
            {
                throw failure;
            }

            await Task.Delay(_retry.DelayBefore(attempt, retryAfter, _random), _time, cancellationToken);
        }
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
    }

    private async Task<(SessionCredentials? Credentials, CredentialException? Failure, TimeSpan? RetryAfter)> SendOnceAsync(
        CreateSessionRequest request, CertificateBundle certificate, ISigningKey key, string region, Uri endpoint, byte[] body,
        CancellationToken cancellationToken)
    {
        var path = endpoint.AbsolutePath.TrimEnd('/') + "/sessions";
        var signable = new SignableRequest("POST", path)
            .AddQuery("profileArn", request.ProfileArn)
            .AddQuery("roleArn", request.RoleArn)
            .AddQuery("trustAnchorArn", request.TrustAnchorArn)
            .AddHeader("Content-Type", "application/json")
            .AddHeader("Host", endpoint.IsDefaultPort ? endpoint.Host : $"{endpoint.Host}:{endpoint.Port}")
            .SetBody(body);
        // Signed afresh on every attempt: the date is part of the signature.
        var signature = await X509Signer.SignAsync(signable, certificate, key, new CredentialScope(_time.GetUtcNow(), region, Service), cancellationToken);

        using var message = SignedAttempt.CreateMessage(HttpMethod.Post, endpoint, signable, signature, body);
        try
        {
            var (response, text) = await SignedAttempt.SendAsync(_http, message, _retry.AttemptTimeout, "CreateSession", cancellationToken);
            using (response)
            {
                return response.IsSuccessStatusCode
                    ? (ParseCredentials(text), null, null)
                    : (null, ErrorFrom(response, text), response.Headers.RetryAfter?.Delta);
            }
        }
        catch (CredentialException e) when (e.Kind == CredentialErrorKind.Network)
        {
            return (null, e, null);
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

    /// <summary>Maps AWS's error shape (<c>X-Amzn-ErrorType</c> or <c>__type</c>, and <c>message</c>) to advice.</summary>
    private static CredentialException ErrorFrom(HttpResponseMessage response, string text)
    {
        var (type, message) = AwsErrorResponse.Read(response, text);
        var said = message is null ? "" : $" (AWS said: {message})";
        var status = (int)response.StatusCode;
        return type switch
        {
            "ThrottlingException" or "TooManyRequestsException" => Throttled(said),
            "AccessDeniedException" when message?.Contains("Untrusted", StringComparison.OrdinalIgnoreCase) == true
                => new(CredentialErrorKind.AccessDenied, $"The service does not trust this certificate's issuer: is the trust anchor enabled and is this the right CA?{said}"),
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
            "ValidationException" => new(CredentialErrorKind.InvalidInput, $"Roles Anywhere rejected the request as invalid.{said}"),
            _ when status == 429 => Throttled(said),
            _ when status >= 500 => new(CredentialErrorKind.ServiceUnavailable, $"Roles Anywhere failed with HTTP {status}; try again later.{said}"),
            _ when status == 403 => new(CredentialErrorKind.AccessDenied, $"Roles Anywhere refused the request (HTTP 403).{said}"),
            _ => new(CredentialErrorKind.InvalidInput, $"Roles Anywhere answered HTTP {status}{(type is null ? "" : " " + type)}.{said}"),
        };

        static CredentialException Throttled(string said) => new(CredentialErrorKind.Throttled,
            $"Roles Anywhere is throttling CreateSession (about 10 calls a second per account): run `openrolesanywhere serve` to share cached credentials, or try again shortly.{said}");
    }
}
