using System.Collections.Concurrent;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using OpenRolesAnywhere.TestCommon.LoopbackHost;
using OpenRolesAnywhere.TestCommon.SigV4Verification;

namespace OpenRolesAnywhere.TestCommon.FakeRolesAnywhereControlPlane;

/// <summary>
/// The Roles Anywhere control plane for tests (trust anchors, profiles, CRLs), on 127.0.0.1. Like AWS it
/// checks every call's SigV4 HMAC signature, refuses requests that break botocore's model, refuses trust
/// anchors that are not CA certificates and CRLs not signed by their trust anchor, and answers with the
/// model's response shapes and AWS's error shape.
/// </summary>
public sealed partial class FakeRolesAnywhereControlPlaneServer : IAsyncDisposable
{
    public const string Account = "123456789012";
    private readonly ConcurrentDictionary<string, FakeTrustAnchor> _trustAnchors = new();
    private readonly ConcurrentDictionary<string, FakeProfile> _profiles = new();
    private readonly ConcurrentDictionary<string, FakeCrl> _crls = new();
    private readonly ConcurrentQueue<FakeControlPlaneCall> _calls = new();
    private readonly ConcurrentQueue<(string Operation, int Status, string Type, string Message)> _failures = new();
    private readonly SigV4HmacVerifier _verifier;
    private readonly Lock _order = new();
    private readonly List<string> _creationOrder = [];
    private WebApplication? _app;

    private FakeRolesAnywhereControlPlaneServer(string region, string accessKeyId, string secretAccessKey, string? sessionToken)
    {
        Region = region;
        AccessKeyId = accessKeyId;
        SecretAccessKey = secretAccessKey;
        SessionToken = sessionToken;
        _verifier = new SigV4HmacVerifier("rolesanywhere", region, accessKeyId, secretAccessKey, sessionToken);
    }

    public Uri Endpoint { get; private set; } = null!;

    public string Region { get; }

    public string AccessKeyId { get; }

    public string SecretAccessKey { get; }

    public string? SessionToken { get; }

    /// <summary>The most a list call answers with, whatever pageSize asked for (AWS may answer with fewer).</summary>
    public int MaxPageSize { get; set; } = 50;

    public IReadOnlyList<FakeTrustAnchor> TrustAnchors => InOrder(_trustAnchors);

    public IReadOnlyList<FakeProfile> Profiles => InOrder(_profiles);

    public IReadOnlyList<FakeCrl> Crls => InOrder(_crls);

    public IReadOnlyList<FakeControlPlaneCall> Calls => [.. _calls];

    public static async Task<FakeRolesAnywhereControlPlaneServer> StartAsync(
        string region = "eu-west-1", string accessKeyId = "AKIAFAKEADMINCALLER1", string secretAccessKey = "fake-admin-secret/abcdefghij0123456789", string? sessionToken = null)
    {
        var server = new FakeRolesAnywhereControlPlaneServer(region, accessKeyId, secretAccessKey, sessionToken);
        (server._app, server.Endpoint) = await LoopbackWebApp.StartAsync(app => app.Run(server.HandleAsync));
        return server;
    }

    /// <summary>The next call of <paramref name="operation"/> (after its signature is checked) gets this error.</summary>
    public void FailNext(string operation, int status, string errorType, string message) => _failures.Enqueue((operation, status, errorType, message));

    /// <summary>
    /// The id the next trust anchor (or profile) gets instead of a random one, so its ARN can be the one
    /// another double (the CreateSession fake) expects.
    /// </summary>
    public string? NextTrustAnchorId { get; set; }

    public string? NextProfileId { get; set; }

    /// <summary>Serials the latest enabled CRL of <paramref name="trustAnchorArn"/> revokes.</summary>
    public IReadOnlySet<BigInteger> RevokedSerials(string trustAnchorArn)
    {
        var crl = _crls.Values.LastOrDefault(c => c.TrustAnchorArn == trustAnchorArn && c.Enabled);
        return crl is null ? new HashSet<BigInteger>() : new HashSet<BigInteger>(CrlSerials(crl.Data));
    }

    /// <summary>Puts a trust anchor, profile or CRL in place as an administrator would have made it (or changes one).</summary>
    public void Put(FakeTrustAnchor anchor) => Add(_trustAnchors, anchor.Id, anchor);

    public void Put(FakeProfile profile) => Add(_profiles, profile.Id, profile);

    public void Put(FakeCrl crl) => Add(_crls, crl.Id, crl);

    /// <summary>Answers one request; also mounted on the CreateSession fake's host, since AWS serves both at one endpoint.</summary>
    public async Task HandleAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        var body = buffer.ToArray();
        var request = context.Request;
        var match = ServiceModel.RolesAnywhere.Match(request.Method, request.Path.Value ?? "/");
        var operation = match?.Name;

        var failure = _verifier.Verify(request, body);
        if (failure is not null)
        {
            await ErrorAsync(context, operation, 403, failure.Code, failure.Message);
            return;
        }

        if (match is null)
        {
            await ErrorAsync(context, null, 404, "UnknownOperationException", $"No operation matches {request.Method} {request.Path}.");
            return;
        }

        if (_failures.TryPeek(out var injected) && injected.Operation == operation && _failures.TryDequeue(out injected))
        {
            await ErrorAsync(context, operation, injected.Status, injected.Type, injected.Message);
            return;
        }

        JsonElement? json = null;
        if (body.Length > 0)
        {
            if (request.ContentType?.Split(';')[0].Trim() != "application/json")
            {
                await ErrorAsync(context, operation, 415, "UnsupportedMediaTypeException", "Content-Type must be application/json.");
                return;
            }

            try
            {
                json = JsonDocument.Parse(body).RootElement.Clone();
            }
            catch (JsonException)
            {
                await ErrorAsync(context, operation, 400, "SerializationException", "The body is not JSON.");
                return;
            }
        }

        var errors = ServiceModel.RolesAnywhere.ValidateInput(operation!, json, request.Query, match.Value.UriLabels);
        if (errors.Count > 0)
        {
            await ErrorAsync(context, operation, 400, "ValidationException", $"{errors.Count} validation error{(errors.Count == 1 ? "" : "s")} detected: {string.Join("; ", errors)}");
            return;
        }

        try
        {
            var response = operation switch
            {
                "CreateTrustAnchor" => CreateTrustAnchor(json!.Value),
                "CreateProfile" => CreateProfile(json!.Value),
                "ListTrustAnchors" => List(TrustAnchors, "trustAnchors", TrustAnchorJson, request.Query),
                "ListProfiles" => List(Profiles, "profiles", ProfileJson, request.Query),
                "ListCrls" => List(Crls, "crls", CrlJson, request.Query),
                "GetTrustAnchor" => new JsonObject { ["trustAnchor"] = TrustAnchorJson(Find(_trustAnchors, match.Value.UriLabels["trustAnchorId"])) },
                "ImportCrl" => ImportCrl(json!.Value),
                "UpdateCrl" => UpdateCrl(match.Value.UriLabels["crlId"], json),
                _ => Settings(operation!, match.Value.UriLabels, json, request.Query),
            };
            var status = ServiceModel.RolesAnywhere.ResponseCode(operation!);
            _calls.Enqueue(new FakeControlPlaneCall(request.Method, request.Path.Value ?? "", request.QueryString.Value ?? "", operation, status, null));
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(response.ToJsonString());
        }
        catch (ServiceError e)
        {
            await ErrorAsync(context, operation, e.Status, e.Type, e.Message);
        }
    }

    private static T Find<T>(ConcurrentDictionary<string, T> store, string id) =>
        store.TryGetValue(id, out var found) ? found : throw new ServiceError(404, "ResourceNotFoundException", "Resource not found.");

    private JsonObject CreateTrustAnchor(JsonElement body)
    {
        var source = body.GetProperty("source");
        var sourceType = source.GetProperty("sourceType").GetString();
        if (sourceType != "CERTIFICATE_BUNDLE")
        {
            throw new ServiceError(400, "ValidationException", $"The fake supports sourceType CERTIFICATE_BUNDLE only, not {sourceType}.");
        }

        var data = source.GetProperty("sourceData").TryGetProperty("x509CertificateData", out var pem) ? pem.GetString()! : "";
        using (var certificate = ParseCaCertificate(data))
        {
            // Parsing is the check; the anchor keeps the PEM as sent.
        }

        var id = NextTrustAnchorId ?? Guid.NewGuid().ToString();
        NextTrustAnchorId = null;
        var anchor = new FakeTrustAnchor(id, $"arn:aws:rolesanywhere:{Region}:{Account}:trust-anchor/{id}", body.GetProperty("name").GetString()!,
            !body.TryGetProperty("enabled", out var enabled) || enabled.GetBoolean(), sourceType, data, Tags(body));
        Add(_trustAnchors, id, anchor);
        return new JsonObject { ["trustAnchor"] = TrustAnchorJson(anchor) };
    }

    private JsonObject CreateProfile(JsonElement body)
    {
        var id = NextProfileId ?? Guid.NewGuid().ToString();
        NextProfileId = null;
        var profile = new FakeProfile(id, $"arn:aws:rolesanywhere:{Region}:{Account}:profile/{id}", body.GetProperty("name").GetString()!,
            body.TryGetProperty("enabled", out var enabled) && enabled.GetBoolean(),
            body.GetProperty("roleArns").EnumerateArray().Select(r => r.GetString()!).ToList(),
            body.TryGetProperty("durationSeconds", out var duration) ? duration.GetInt32() : 3600, Tags(body))
        {
            RequireInstanceProperties = body.TryGetProperty("requireInstanceProperties", out var require) && require.GetBoolean(),
        };
        profile = WithSettings(profile, body);
        Add(_profiles, id, profile);
        return new JsonObject { ["profile"] = ProfileJson(profile) };
    }

    private JsonObject ImportCrl(JsonElement body)
    {
        var anchorArn = body.GetProperty("trustAnchorArn").GetString()!;
        var anchor = _trustAnchors.Values.FirstOrDefault(a => a.Arn == anchorArn)
            ?? throw new ServiceError(400, "ValidationException", $"Trust anchor {anchorArn} does not exist.");
        var data = Convert.FromBase64String(body.GetProperty("crlData").GetString()!);
        CheckCrl(data, anchor);
        var id = Guid.NewGuid().ToString();
        var crl = new FakeCrl(id, $"arn:aws:rolesanywhere:{Region}:{Account}:crl/{id}", body.GetProperty("name").GetString()!,
            body.TryGetProperty("enabled", out var enabled) && enabled.GetBoolean(), anchorArn, data, 0);
        Add(_crls, id, crl);
        return new JsonObject { ["crl"] = CrlJson(crl) };
    }

    private JsonObject UpdateCrl(string crlId, JsonElement? body)
    {
        var crl = Find(_crls, crlId);
        if (body is { } b && b.TryGetProperty("crlData", out var data))
        {
            var der = Convert.FromBase64String(data.GetString()!);
            CheckCrl(der, _trustAnchors.Values.First(a => a.Arn == crl.TrustAnchorArn));
            crl = crl with { Data = der, Updates = crl.Updates + 1 };
        }

        if (body is { } named && named.TryGetProperty("name", out var name))
        {
            crl = crl with { Name = name.GetString()! };
        }

        _crls[crlId] = crl;
        return new JsonObject { ["crl"] = CrlJson(crl) };
    }

    private JsonObject List<T>(IReadOnlyList<T> items, string member, Func<T, JsonObject> toJson, IQueryCollection query)
    {
        var start = 0;
        if (query.TryGetValue("nextToken", out var token) && !int.TryParse(token.ToString(), out start))
        {
            throw new ServiceError(400, "ValidationException", "Invalid nextToken.");
        }

        var pageSize = query.TryGetValue("pageSize", out var asked) ? Math.Min(int.Parse(asked.ToString(), System.Globalization.CultureInfo.InvariantCulture), MaxPageSize) : MaxPageSize;
        var page = items.Skip(start).Take(pageSize).ToList();
        var result = new JsonObject { [member] = new JsonArray(page.Select(i => (JsonNode?)toJson(i)).ToArray()) };
        if (start + page.Count < items.Count)
        {
            result["nextToken"] = (start + page.Count).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return result;
    }

    private static X509Certificate2 ParseCaCertificate(string pem)
    {
        X509Certificate2 certificate;
        try
        {
            certificate = X509Certificate2.CreateFromPem(pem);
        }
        catch (CryptographicException e)
        {
            throw new ServiceError(400, "ValidationException", $"x509CertificateData is not a PEM certificate: {e.Message}");
        }

        var constraints = certificate.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault();
        var usage = certificate.Extensions.OfType<X509KeyUsageExtension>().FirstOrDefault();
        if (constraints is not { CertificateAuthority: true } || usage is null || !usage.KeyUsages.HasFlag(X509KeyUsageFlags.KeyCertSign))
        {
            certificate.Dispose();
            throw new ServiceError(400, "ValidationException", "The trust anchor certificate must be a CA certificate (basicConstraints CA:TRUE, keyUsage keyCertSign).");
        }

        return certificate;
    }

    private static void CheckCrl(byte[] der, FakeTrustAnchor anchor)
    {
        using var certificate = X509Certificate2.CreateFromPem(anchor.CertificateData);
        if (SignedDer.CheckCrl(der, certificate) is { } problem)
        {
            throw new ServiceError(400, "ValidationException", problem);
        }
    }

    private static IEnumerable<BigInteger> CrlSerials(byte[] der)
    {
        var tbs = new System.Formats.Asn1.AsnReader(der, System.Formats.Asn1.AsnEncodingRules.DER).ReadSequence().ReadSequence();
        if (tbs.PeekTag() == System.Formats.Asn1.Asn1Tag.Integer)
        {
            tbs.ReadInteger();
        }

        tbs.ReadSequence();
        tbs.ReadEncodedValue();
        tbs.ReadEncodedValue();
        if (tbs.HasData && (tbs.PeekTag().HasSameClassAndValue(System.Formats.Asn1.Asn1Tag.UtcTime) || tbs.PeekTag().HasSameClassAndValue(System.Formats.Asn1.Asn1Tag.GeneralizedTime)))
        {
            tbs.ReadEncodedValue(); // nextUpdate
        }

        if (!tbs.HasData || !tbs.PeekTag().HasSameClassAndValue(System.Formats.Asn1.Asn1Tag.Sequence))
        {
            yield break;
        }

        var revoked = tbs.ReadSequence();
        while (revoked.HasData)
        {
            var entry = revoked.ReadSequence();
            yield return entry.ReadInteger();
        }
    }

    private static Dictionary<string, string> Tags(JsonElement body) =>
        body.TryGetProperty("tags", out var tags)
            ? tags.EnumerateArray().ToDictionary(t => t.GetProperty("key").GetString()!, t => t.GetProperty("value").GetString()!)
            : [];

    private static JsonObject TrustAnchorJson(FakeTrustAnchor anchor) => new()
    {
        ["trustAnchorId"] = anchor.Id,
        ["trustAnchorArn"] = anchor.Arn,
        ["name"] = anchor.Name,
        ["enabled"] = anchor.Enabled,
        ["source"] = new JsonObject { ["sourceType"] = anchor.SourceType, ["sourceData"] = new JsonObject { ["x509CertificateData"] = anchor.CertificateData } },
        ["notificationSettings"] = new JsonArray(anchor.NotificationSettings.Select(n => (JsonNode?)NotificationJson(n)).ToArray()),
        ["createdAt"] = "2026-11-24T00:00:00Z",
        ["updatedAt"] = "2026-11-24T00:00:00Z",
    };

    private static JsonObject ProfileJson(FakeProfile profile) => new()
    {
        ["profileId"] = profile.Id,
        ["profileArn"] = profile.Arn,
        ["name"] = profile.Name,
        ["enabled"] = profile.Enabled,
        ["roleArns"] = new JsonArray(profile.RoleArns.Select(r => (JsonNode?)r).ToArray()),
        ["durationSeconds"] = profile.DurationSeconds,
        ["requireInstanceProperties"] = profile.RequireInstanceProperties,
        ["acceptRoleSessionName"] = profile.AcceptRoleSessionName,
        ["sessionPolicy"] = profile.SessionPolicy,
        ["managedPolicyArns"] = new JsonArray(profile.ManagedPolicyArns.Select(a => (JsonNode?)a).ToArray()),
        ["attributeMappings"] = new JsonArray(profile.AttributeMappings.Select(m => (JsonNode?)new JsonObject
        {
            ["certificateField"] = m.Key,
            ["mappingRules"] = new JsonArray(m.Value.Select(r => (JsonNode?)new JsonObject { ["specifier"] = r }).ToArray()),
        }).ToArray()),
        ["createdBy"] = $"arn:aws:iam::{Account}:user/admin",
        ["createdAt"] = "2026-11-24T00:00:00Z",
        ["updatedAt"] = "2026-11-24T00:00:00Z",
    };

    private static JsonObject CrlJson(FakeCrl crl) => new()
    {
        ["crlId"] = crl.Id,
        ["crlArn"] = crl.Arn,
        ["name"] = crl.Name,
        ["enabled"] = crl.Enabled,
        ["crlData"] = Convert.ToBase64String(crl.Data),
        ["trustAnchorArn"] = crl.TrustAnchorArn,
        ["createdAt"] = "2026-11-24T00:00:00Z",
        ["updatedAt"] = "2026-11-24T00:00:00Z",
    };

    private void Add<T>(ConcurrentDictionary<string, T> store, string id, T item)
    {
        lock (_order)
        {
            if (!store.ContainsKey(id))
            {
                _creationOrder.Add(id);
            }

            store[id] = item;
        }
    }

    private List<T> InOrder<T>(ConcurrentDictionary<string, T> store)
    {
        lock (_order)
        {
            return [.. _creationOrder.Where(store.ContainsKey).Select(id => store[id])];
        }
    }

    private Task ErrorAsync(HttpContext context, string? operation, int status, string type, string message)
    {
        _calls.Enqueue(new FakeControlPlaneCall(context.Request.Method, context.Request.Path.Value ?? "", context.Request.QueryString.Value ?? "", operation, status, type));
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.Headers["X-Amzn-ErrorType"] = type;
        return context.Response.WriteAsync(new JsonObject { ["message"] = message }.ToJsonString());
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    private sealed class ServiceError(int status, string type, string message) : Exception(message)
    {
        public int Status { get; } = status;

        public string Type { get; } = type;
    }
}
