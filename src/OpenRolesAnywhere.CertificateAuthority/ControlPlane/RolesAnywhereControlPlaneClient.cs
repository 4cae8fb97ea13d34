using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using OpenRolesAnywhere.CertificateAuthority.Aws;
using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.Core.RolesAnywhere;
using OpenRolesAnywhere.Core.SigV4;
using RetryPolicy = OpenRolesAnywhere.Core.RolesAnywhere.RetryPolicy;

namespace OpenRolesAnywhere.CertificateAuthority.ControlPlane;

/// <summary>
/// The Roles Anywhere control plane (REST-JSON, botocore model rolesanywhere 2018-05-10), signed with the
/// project's own SigV4 HMAC signer because the SDK package for this API is not available to us.
/// Credentials come from the AWS SDK's resolution and are asked for afresh on each call, so they refresh.
/// </summary>
internal sealed class RolesAnywhereControlPlaneClient
{
    private const string Service = "rolesanywhere";
    private const int PageSize = 50;
    private readonly HttpClient _http;
    private readonly Uri _endpoint;
    private readonly string _region;
    private readonly AWSCredentials _credentials;
    private readonly TimeProvider _time;
    private readonly RetryPolicy _retry;

    public RolesAnywhereControlPlaneClient(HttpClient http, Uri endpoint, string region, AWSCredentials credentials, TimeProvider time, RetryPolicy? retry = null)
    {
        _http = http;
        _endpoint = endpoint;
        _region = region;
        _credentials = credentials;
        _time = time;
        _retry = retry ?? RetryPolicy.Default;
    }

    public async Task<TrustAnchorSummary> CreateTrustAnchorAsync(string name, string certificatePem, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["name"] = name,
            ["enabled"] = true,
            ["source"] = new JsonObject
            {
                ["sourceType"] = "CERTIFICATE_BUNDLE",
                ["sourceData"] = new JsonObject { ["x509CertificateData"] = certificatePem },
            },
            ["tags"] = Tags(tags),
        };
        using var response = await SendAsync(HttpMethod.Post, "/trustanchors", [], body, "CreateTrustAnchor", cancellationToken);
        return TrustAnchor(Member(response.RootElement, "trustAnchor", "CreateTrustAnchor"));
    }

    public async Task<ProfileSummary> CreateProfileAsync(
        string name, IReadOnlyList<string> roleArns, int durationSeconds, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["name"] = name,
            ["enabled"] = true,
            ["roleArns"] = new JsonArray(roleArns.Select(a => (JsonNode?)JsonValue.Create(a)).ToArray()),
            ["durationSeconds"] = durationSeconds,
            ["tags"] = Tags(tags),
        };
        using var response = await SendAsync(HttpMethod.Post, "/profiles", [], body, "CreateProfile", cancellationToken);
        return Profile(Member(response.RootElement, "profile", "CreateProfile"));
    }

    public Task<IReadOnlyList<TrustAnchorSummary>> ListTrustAnchorsAsync(CancellationToken cancellationToken) =>
        ListAsync("/trustanchors", "trustAnchors", "ListTrustAnchors", TrustAnchor, cancellationToken);

    public Task<IReadOnlyList<ProfileSummary>> ListProfilesAsync(CancellationToken cancellationToken) =>
        ListAsync("/profiles", "profiles", "ListProfiles", Profile, cancellationToken);

    public async Task<CrlSummary> ImportCrlAsync(string name, byte[] crl, string trustAnchorArn, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["name"] = name,
            ["crlData"] = Convert.ToBase64String(crl),
            ["trustAnchorArn"] = trustAnchorArn,
            ["enabled"] = true,
            ["tags"] = Tags(tags),
        };
        using var response = await SendAsync(HttpMethod.Post, "/crls", [], body, "ImportCrl", cancellationToken);
        return Crl(Member(response.RootElement, "crl", "ImportCrl"));
    }

    public async Task<CrlSummary> UpdateCrlAsync(string crlId, byte[] crl, CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["crlData"] = Convert.ToBase64String(crl) };
        using var response = await SendAsync(HttpMethod.Patch, "/crl/" + crlId, [], body, "UpdateCrl", cancellationToken);
        return Crl(Member(response.RootElement, "crl", "UpdateCrl"));
    }

    private async Task<IReadOnlyList<T>> ListAsync<T>(
        string path, string member, string operation, Func<JsonElement, T> read, CancellationToken cancellationToken)
    {
        var items = new List<T>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        string? nextToken = null;
        do
        {
            if (nextToken is not null && !seen.Add(nextToken))
            {
                throw new CredentialException(CredentialErrorKind.ServiceUnavailable, $"Roles Anywhere answered {operation} with a nextToken it had given before; stopping.");
            }

            List<KeyValuePair<string, string>> query = [new("pageSize", PageSize.ToString(System.Globalization.CultureInfo.InvariantCulture))];
            if (nextToken is not null)
            {
                query.Add(new("nextToken", nextToken));
            }

            using var response = await SendAsync(HttpMethod.Get, path, query, null, operation, cancellationToken);
            if (response.RootElement.TryGetProperty(member, out var array) && array.ValueKind == JsonValueKind.Array)
            {
                items.AddRange(array.EnumerateArray().Select(read));
            }

            nextToken = response.RootElement.TryGetProperty("nextToken", out var token) && token.ValueKind == JsonValueKind.String ? token.GetString() : null;
        }
        while (!string.IsNullOrEmpty(nextToken));

        return items;
    }

    private async Task<JsonDocument> SendAsync(
        HttpMethod method, string path, List<KeyValuePair<string, string>> query, JsonObject? body, string operation, CancellationToken cancellationToken)
    {
        var payload = body is null ? [] : Encoding.UTF8.GetBytes(body.ToJsonString());
        for (var attempt = 0; ; attempt++)
        {
            var (document, failure, retryAfter) = await SendOnceAsync(method, path, query, payload, body is not null, operation, cancellationToken);
            if (document is not null)
            {
                return document;
            }

            if (!failure!.IsTransient || attempt + 1 >= _retry.MaxAttempts)
            {
                throw failure;
            }

            await Task.Delay(_retry.DelayBefore(attempt, retryAfter, Random.Shared), _time, cancellationToken);
        }
    }

    private async Task<(JsonDocument? Document, CredentialException? Failure, TimeSpan? RetryAfter)> SendOnceAsync(
        HttpMethod method, string path, List<KeyValuePair<string, string>> query, byte[] payload, bool hasBody, string operation,
        CancellationToken cancellationToken)
    {
        var fullPath = _endpoint.AbsolutePath.TrimEnd('/') + path;
        var signable = new SignableRequest(method.Method, fullPath)
            .AddHeader("Host", _endpoint.IsDefaultPort ? _endpoint.Host : $"{_endpoint.Host}:{_endpoint.Port}")
            .SetBody(payload);
        foreach (var (name, value) in query)
        {
            signable.AddQuery(name, value);
        }

        if (hasBody)
        {
            signable.AddHeader("Content-Type", "application/json");
        }

        var current = await AwsResolution.CurrentAsync(_credentials);
        var credentials = new AwsCredentials(current.AccessKey, current.SecretKey, current.UseToken ? current.Token : null);
        // Signed afresh on every attempt: the date is part of the signature.
        var signature = HmacSigner.SignHeaders(signable, credentials, new CredentialScope(_time.GetUtcNow(), _region, Service));

        using var message = SignedAttempt.CreateMessage(method, _endpoint, signable, signature, hasBody ? payload : null);
        message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        try
        {
            var (response, text) = await SignedAttempt.SendAsync(_http, message, _retry.AttemptTimeout, operation, cancellationToken);
            using (response)
            {
                if (!response.IsSuccessStatusCode)
                {
                    return (null, ErrorFrom(response, text, operation), response.Headers.RetryAfter?.Delta);
                }
            }

            try
            {
                return (JsonDocument.Parse(text.Length == 0 ? "{}" : text), null, null);
            }
            catch (JsonException e)
            {
                return (null, new CredentialException(CredentialErrorKind.ServiceUnavailable, $"Roles Anywhere answered {operation} with a body that is not JSON.", e), null);
            }
        }
        catch (CredentialException e) when (e.Kind == CredentialErrorKind.Network)
        {
            return (null, e, null);
        }
    }

    private static CredentialException ErrorFrom(HttpResponseMessage response, string text, string operation)
    {
        var (type, message) = AwsErrorResponse.Read(response, text);
        var said = message is null ? "" : $" (AWS said: {message})";
        var status = (int)response.StatusCode;
        return type switch
        {
            "ThrottlingException" or "TooManyRequestsException" => new(CredentialErrorKind.Throttled, $"Roles Anywhere is throttling {operation}; try again shortly.{said}"),
            "AccessDeniedException" => new(CredentialErrorKind.AccessDenied,
                $"Roles Anywhere refused {operation}: your AWS identity needs the rolesanywhere:{operation} permission (and iam:PassRole for profiles).{said}"),
            "UnrecognizedClientException" or "InvalidSignatureException" or "IncompleteSignatureException" or "ExpiredTokenException" or "SignatureDoesNotMatch"
                => new(CredentialErrorKind.AccessDenied, $"Roles Anywhere does not accept these AWS credentials for {operation}: check AWS_PROFILE or log in again.{said}"),
            "ResourceNotFoundException" => new(CredentialErrorKind.NotFound, $"Roles Anywhere does not know the resource {operation} named: check the ARN and the region.{said}"),
            "ValidationException" => new(CredentialErrorKind.InvalidInput, $"Roles Anywhere rejected {operation} as invalid.{said}"),
            _ when status == 429 => new(CredentialErrorKind.Throttled, $"Roles Anywhere is throttling {operation}; try again shortly.{said}"),
            _ when status >= 500 => new(CredentialErrorKind.ServiceUnavailable, $"Roles Anywhere failed {operation} with HTTP {status}; try again later.{said}"),
            _ when status == 403 => new(CredentialErrorKind.AccessDenied, $"Roles Anywhere refused {operation} (HTTP 403).{said}"),
            _ => new(CredentialErrorKind.InvalidInput, $"Roles Anywhere answered {operation} with HTTP {status}{(type is null ? "" : " " + type)}.{said}"),
        };
    }

    private static JsonArray Tags(IReadOnlyDictionary<string, string> tags) =>
        new(tags.Select(t => (JsonNode?)new JsonObject { ["key"] = t.Key, ["value"] = t.Value }).ToArray());

    private static JsonElement Member(JsonElement root, string name, string operation) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var member) && member.ValueKind == JsonValueKind.Object
            ? member
            : throw new CredentialException(CredentialErrorKind.ServiceUnavailable, $"Roles Anywhere answered {operation} without '{name}'.");

    private static string Required(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : throw new CredentialException(CredentialErrorKind.ServiceUnavailable, $"Roles Anywhere answered without '{name}'.");

    private static string? Optional(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static bool Flag(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;

    private static TrustAnchorSummary TrustAnchor(JsonElement e) => new(
        Required(e, "trustAnchorArn"), Required(e, "trustAnchorId"), Optional(e, "name") ?? "", Flag(e, "enabled"),
        e.TryGetProperty("source", out var source) ? Optional(source, "sourceType") : null);

    private static ProfileSummary Profile(JsonElement e) => new(
        Required(e, "profileArn"), Required(e, "profileId"), Optional(e, "name") ?? "", Flag(e, "enabled"),
        e.TryGetProperty("roleArns", out var roles) && roles.ValueKind == JsonValueKind.Array ? roles.EnumerateArray().Select(r => r.GetString() ?? "").ToList() : [],
        e.TryGetProperty("durationSeconds", out var duration) && duration.ValueKind == JsonValueKind.Number ? duration.GetInt32() : null);

    private static CrlSummary Crl(JsonElement e) => new(
        Required(e, "crlArn"), Required(e, "crlId"), Optional(e, "name") ?? "", Flag(e, "enabled"), Optional(e, "trustAnchorArn"));
}
