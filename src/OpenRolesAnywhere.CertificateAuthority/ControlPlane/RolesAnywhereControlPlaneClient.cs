using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using OpenRolesAnywhere.CertificateAuthority.Aws;
using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.Core.Aws;
using OpenRolesAnywhere.Core.Diagnostics;
using OpenRolesAnywhere.Core.SigV4;
using RetryPolicy = OpenRolesAnywhere.Core.Aws.RetryPolicy;

namespace OpenRolesAnywhere.CertificateAuthority.ControlPlane;

/// <summary>
/// The Roles Anywhere control plane (REST-JSON, botocore model rolesanywhere 2018-05-10), signed with the
/// project's own SigV4 HMAC signer because the SDK package for this API is not available to us.
/// Credentials come from the AWS SDK's resolution and are asked for afresh on each call, so they refresh.
/// </summary>
internal sealed partial class RolesAnywhereControlPlaneClient
{
    private const int PageSize = 50;
    private readonly AwsRequestPipeline _pipeline;
    private readonly Uri _endpoint;
    private readonly string _region;
    private readonly AWSCredentials _credentials;

    public RolesAnywhereControlPlaneClient(
        HttpClient http, Uri endpoint, string region, AWSCredentials credentials, TimeProvider time, RetryPolicy? retry = null, Random? random = null)
    {
        _pipeline = new AwsRequestPipeline(http, time, AwsService.RolesAnywhere, retry, random);
        _endpoint = endpoint;
        _region = region;
        _credentials = credentials;
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

    public async Task<ProfileDetail> CreateProfileAsync(
        string name, IReadOnlyList<string> roleArns, int durationSeconds, NewProfileOptions options, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["name"] = name,
            ["enabled"] = options.Enabled,
            ["roleArns"] = Strings(roleArns),
            ["durationSeconds"] = durationSeconds,
            ["requireInstanceProperties"] = options.RequireInstanceProperties,
            ["tags"] = Tags(tags),
        };
        AddSettings(body, options.Settings);
        using var response = await SendAsync(HttpMethod.Post, "/profiles", [], body, "CreateProfile", cancellationToken);
        return ProfileDetail(Member(response.RootElement, "profile", "CreateProfile"));
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

    /// <summary>GetTrustAnchor as doctor reads it: the anchor's state and its CA certificate.</summary>
    public async Task<Core.Diagnostics.TrustAnchorDetail> GetTrustAnchorSourceAsync(string trustAnchorId, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, "/trustanchor/" + Uri.EscapeDataString(trustAnchorId), [], null, "GetTrustAnchor", cancellationToken);
        var anchor = Member(response.RootElement, "trustAnchor", "GetTrustAnchor");
        var source = anchor.TryGetProperty("source", out var s) && s.ValueKind == JsonValueKind.Object ? s : default;
        var data = source.ValueKind == JsonValueKind.Object && source.TryGetProperty("sourceData", out var d) && d.ValueKind == JsonValueKind.Object ? d : default;
        return new Core.Diagnostics.TrustAnchorDetail(Required(anchor, "trustAnchorArn"), Flag(anchor, "enabled"),
            source.ValueKind == JsonValueKind.Object ? Optional(source, "sourceType") : null,
            data.ValueKind == JsonValueKind.Object ? Optional(data, "x509CertificateData") : null);
    }

    /// <summary>Every CRL of the account, with its data.</summary>
    public Task<IReadOnlyList<CrlDetail>> ListCrlsAsync(CancellationToken cancellationToken) =>
        ListAsync("/crls", "crls", "ListCrls", e => new CrlDetail(Optional(e, "name") ?? "", Flag(e, "enabled"),
            Optional(e, "crlData") is { } data ? Convert.FromBase64String(data) : [], Optional(e, "trustAnchorArn")), cancellationToken);

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
        var call = new AwsCall(operation, method, path) { Query = query, JsonBody = body is null ? null : Encoding.UTF8.GetBytes(body.ToJsonString()) };
        var text = await _pipeline.SendAsync(call, _endpoint, _region, SignAsync, error => Advice(error, operation), cancellationToken);
        try
        {
            return JsonDocument.Parse(text.Length == 0 ? "{}" : text);
        }
        catch (JsonException e)
        {
            throw new CredentialException(CredentialErrorKind.ServiceUnavailable, $"Roles Anywhere answered {operation} with a body that is not JSON.", e);
        }
    }

    /// <summary>Asks the SDK for credentials on every attempt, so refreshing sources (SSO, roles) refresh.</summary>
    private async ValueTask<SigV4Signature> SignAsync(SignableRequest request, CredentialScope scope, CancellationToken cancellationToken)
    {
        var current = await AwsResolution.CurrentAsync(_credentials);
        return HmacSigner.SignHeaders(request, new AwsCredentials(current.AccessKey, current.SecretKey, current.UseToken ? current.Token : null), scope);
    }

    /// <summary>The administrator's usual mistakes: a missing permission, or credentials AWS does not accept.</summary>
    private static CredentialException? Advice(AwsError error, string operation) => error.Type switch
    {
        "AccessDeniedException" => new(CredentialErrorKind.AccessDenied,
            $"Roles Anywhere refused {operation}: your AWS identity needs the rolesanywhere:{operation} permission (and iam:PassRole for profiles).{error.Said}"),
        "UnrecognizedClientException" or "InvalidSignatureException" or "IncompleteSignatureException" or "ExpiredTokenException" or "SignatureDoesNotMatch"
            => new(CredentialErrorKind.AccessDenied, $"Roles Anywhere does not accept these AWS credentials for {operation}: check AWS_PROFILE or log in again.{error.Said}"),
        _ => null,
    };

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
        StringList(e, "roleArns"),
        e.TryGetProperty("durationSeconds", out var duration) && duration.ValueKind == JsonValueKind.Number ? duration.GetInt32() : null);

    private static CrlSummary Crl(JsonElement e) => new(
        Required(e, "crlArn"), Required(e, "crlId"), Optional(e, "name") ?? "", Flag(e, "enabled"), Optional(e, "trustAnchorArn"));
}
