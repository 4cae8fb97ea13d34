using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using OpenRolesAnywhere.TestCommon.LoopbackHost;
using OpenRolesAnywhere.TestCommon.SigV4Verification;

namespace OpenRolesAnywhere.TestCommon.FakeKms;

/// <summary>
/// AWS KMS for tests: the real JSON 1.1 protocol (<c>POST /</c>, <c>X-Amz-Target: TrentService.*</c>),
/// real keys, and every call's SigV4 signature checked. DescribeKey, GetPublicKey and Sign behave as KMS
/// does for the states tests need (disabled, wrong usage, denied by policy, unknown key or alias).
/// </summary>
public sealed class FakeKmsServer : IAsyncDisposable
{
    public const string AccountId = "111122223333";
    private readonly ConcurrentDictionary<string, FakeKmsKey> _keys = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _aliases = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<FakeKmsCall> _calls = new();
    private readonly SigV4HmacVerifier _verifier;
    private WebApplication? _app;

    private FakeKmsServer(string region, string accessKeyId, string secretAccessKey, string? sessionToken)
    {
        Region = region;
        AccessKeyId = accessKeyId;
        SecretAccessKey = secretAccessKey;
        _verifier = new SigV4HmacVerifier("kms", region, accessKeyId, secretAccessKey, sessionToken);
    }

    public Uri Endpoint { get; private set; } = null!;

    public string Region { get; }

    public string AccessKeyId { get; }

    public string SecretAccessKey { get; }

    /// <summary>Every call that reached the server, accepted or not, in order.</summary>
    public IReadOnlyList<FakeKmsCall> Calls => [.. _calls];

    public static async Task<FakeKmsServer> StartAsync(string region = "eu-west-1", string accessKeyId = "AKIAFAKEKMSCALLER01", string secretAccessKey = "fake-kms-secret-key/0123456789abcdefghij", string? sessionToken = null)
    {
        var server = new FakeKmsServer(region, accessKeyId, secretAccessKey, sessionToken);
        (server._app, server.Endpoint) = await LoopbackWebApp.StartAsync(app => app.MapPost("/", server.HandleAsync));
        return server;
    }

    /// <summary>Makes a key: ECC_NIST_P256/P384/P521, RSA_2048/3072/4096 (SIGN_VERIFY or ENCRYPT_DECRYPT), or SYMMETRIC_DEFAULT.</summary>
    public FakeKmsKey AddKey(string keySpec = "ECC_NIST_P256", string keyUsage = "SIGN_VERIFY", string? alias = null)
    {
        AsymmetricAlgorithm? material = keySpec switch
        {
            "ECC_NIST_P256" => ECDsa.Create(ECCurve.NamedCurves.nistP256),
            "ECC_NIST_P384" => ECDsa.Create(ECCurve.NamedCurves.nistP384),
            "ECC_NIST_P521" => ECDsa.Create(ECCurve.NamedCurves.nistP521),
            "RSA_2048" => RSA.Create(2048),
            "RSA_3072" => RSA.Create(3072),
            "RSA_4096" => RSA.Create(4096),
            "SYMMETRIC_DEFAULT" => null,
            _ => throw new ArgumentException($"The fake does not make {keySpec} keys.", nameof(keySpec)),
        };
        var id = Guid.NewGuid().ToString();
        var key = new FakeKmsKey(id, $"arn:aws:kms:{Region}:{AccountId}:key/{id}", keySpec, keyUsage, material);
        _keys[id] = key;
        if (alias is not null)
        {
            _aliases["alias/" + alias] = id;
        }

        return key;
    }

    public string AliasArn(string alias) => $"arn:aws:kms:{Region}:{AccountId}:alias/{alias}";

    private async Task HandleAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        var body = buffer.ToArray();
        var target = context.Request.Headers["X-Amz-Target"].ToString();
        var operation = target.StartsWith("TrentService.", StringComparison.Ordinal) ? target["TrentService.".Length..] : target;

        var failure = _verifier.Verify(context.Request, body);
        if (failure is not null)
        {
            _calls.Enqueue(new FakeKmsCall(operation, null, false, failure.Code));
            await ErrorAsync(context, failure.Code == "MissingAuthenticationTokenException" ? 403 : 400, failure.Code, failure.Message);
            return;
        }

        if (context.Request.ContentType != "application/x-amz-json-1.1" || !target.StartsWith("TrentService.", StringComparison.Ordinal))
        {
            _calls.Enqueue(new FakeKmsCall(operation, null, false, "UnknownOperationException"));
            await ErrorAsync(context, 400, "UnknownOperationException", "Expected Content-Type application/x-amz-json-1.1 and X-Amz-Target TrentService.<Operation>.");
            return;
        }

        JsonObject request;
        try
        {
            request = JsonNode.Parse(body) as JsonObject ?? throw new JsonException("not an object");
        }
        catch (JsonException)
        {
            _calls.Enqueue(new FakeKmsCall(operation, null, false, "SerializationException"));
            await ErrorAsync(context, 400, "SerializationException", "The request body is not a JSON object.");
            return;
        }

        var keyId = request["KeyId"]?.GetValue<string>();
        try
        {
            var response = operation switch
            {
                "DescribeKey" => DescribeKey(Resolve(keyId, operation)),
                "GetPublicKey" => GetPublicKey(Resolve(keyId, operation)),
                "Sign" => Sign(Resolve(keyId, operation), request),
                _ => throw new KmsError(400, "UnknownOperationException", $"The fake does not implement {operation}."),
            };
            _calls.Enqueue(new FakeKmsCall(operation, keyId, true, null));
            context.Response.ContentType = "application/x-amz-json-1.1";
            await context.Response.WriteAsync(response.ToJsonString());
        }
        catch (KmsError e)
        {
            _calls.Enqueue(new FakeKmsCall(operation, keyId, false, e.Code));
            await ErrorAsync(context, e.Status, e.Code, e.Message);
        }
    }

    private FakeKmsKey Resolve(string? keyId, string operation)
    {
        if (string.IsNullOrEmpty(keyId))
        {
            throw new KmsError(400, "ValidationException", "1 validation error detected: Value null at 'keyId' failed to satisfy constraint: Member must not be null");
        }

        var local = keyId;
        if (keyId.StartsWith("arn:", StringComparison.Ordinal))
        {
            var parts = keyId.Split(':', 6);
            if (parts.Length != 6 || parts[2] != "kms" || parts[3] != Region || parts[4] != AccountId)
            {
                throw new KmsError(400, "NotFoundException", $"Invalid arn {keyId}");
            }

            local = parts[5].StartsWith("key/", StringComparison.Ordinal) ? parts[5]["key/".Length..] : parts[5];
        }

        if (local.StartsWith("alias/", StringComparison.Ordinal))
        {
            local = _aliases.TryGetValue(local, out var target) ? target : throw new KmsError(400, "NotFoundException", $"Alias {AliasArn(local["alias/".Length..])} is not found.");
        }

        var key = _keys.TryGetValue(local, out var found) ? found : throw new KmsError(400, "NotFoundException", $"Key 'arn:aws:kms:{Region}:{AccountId}:key/{local}' does not exist");
        if (key.DeniedOperations.Contains(operation))
        {
            throw new KmsError(400, "AccessDeniedException",
                $"User: arn:aws:iam::{AccountId}:user/test is not authorized to perform: kms:{operation} on resource: {key.Arn} because no resource-based policy allows the kms:{operation} action");
        }

        return key;
    }

    private static JsonObject DescribeKey(FakeKmsKey key)
    {
        var metadata = new JsonObject
        {
            ["AWSAccountId"] = AccountId,
            ["KeyId"] = key.Id,
            ["Arn"] = key.Arn,
            ["CreationDate"] = 1.7e9,
            ["Enabled"] = key.KeyState == "Enabled",
            ["Description"] = "fake key",
            ["KeyUsage"] = key.KeyUsage,
            ["KeyState"] = key.KeyState,
            ["Origin"] = "AWS_KMS",
            ["KeyManager"] = "CUSTOMER",
            ["CustomerMasterKeySpec"] = key.KeySpec,
            ["KeySpec"] = key.KeySpec,
            ["MultiRegion"] = false,
        };
        if (key.KeyUsage == "SIGN_VERIFY")
        {
            metadata["SigningAlgorithms"] = new JsonArray(key.SigningAlgorithms.Select(a => (JsonNode?)a).ToArray());
        }
        else
        {
            metadata["EncryptionAlgorithms"] = new JsonArray(key.KeySpec == "SYMMETRIC_DEFAULT" ? "SYMMETRIC_DEFAULT" : "RSAES_OAEP_SHA_256");
        }

        return new JsonObject { ["KeyMetadata"] = metadata };
    }

    private static JsonObject GetPublicKey(FakeKmsKey key)
    {
        EnsureUsable(key);
        if (key.Key is null)
        {
            throw new KmsError(400, "UnsupportedOperationException", $"{key.Arn} key usage is ENCRYPT_DECRYPT which is not valid for GetPublicKey.");
        }

        var response = new JsonObject
        {
            ["KeyId"] = key.Arn,
            ["PublicKey"] = Convert.ToBase64String(key.SubjectPublicKeyInfo),
            ["CustomerMasterKeySpec"] = key.KeySpec,
            ["KeySpec"] = key.KeySpec,
            ["KeyUsage"] = key.KeyUsage,
        };
        response[key.KeyUsage == "SIGN_VERIFY" ? "SigningAlgorithms" : "EncryptionAlgorithms"] =
            new JsonArray((key.KeyUsage == "SIGN_VERIFY" ? key.SigningAlgorithms : ["RSAES_OAEP_SHA_256"]).Select(a => (JsonNode?)a).ToArray());
        return response;
    }

    private static JsonObject Sign(FakeKmsKey key, JsonObject request)
    {
        EnsureUsable(key);
        if (key.KeyUsage != "SIGN_VERIFY" || key.Key is null)
        {
            throw new KmsError(400, "InvalidKeyUsageException", $"{key.Arn} key usage is {key.KeyUsage} which is not valid for Sign.");
        }

        var algorithm = request["SigningAlgorithm"]?.GetValue<string>() ?? throw new KmsError(400, "ValidationException", "SigningAlgorithm is required.");
        if (!key.SigningAlgorithms.Contains(algorithm))
        {
            throw new KmsError(400, "InvalidKeyUsageException", $"Algorithm {algorithm} is incompatible with key spec {key.KeySpec}.");
        }

        byte[] message;
        try
        {
            message = Convert.FromBase64String(request["Message"]?.GetValue<string>() ?? "");
        }
        catch (FormatException)
        {
            throw new KmsError(400, "SerializationException", "Message is not base64.");
        }

        var hash = algorithm[^3..] switch
        {
            "256" => HashAlgorithmName.SHA256,
            "384" => HashAlgorithmName.SHA384,
            _ => HashAlgorithmName.SHA512,
        };
        var messageType = request["MessageType"]?.GetValue<string>() ?? "RAW";
        byte[] digest;
        if (messageType == "DIGEST")
        {
            digest = message.Length == CryptographicOperations.HashData(hash, []).Length
                ? message
                : throw new KmsError(400, "ValidationException", $"Digest is invalid length for algorithm {algorithm}.");
        }
        else if (messageType == "RAW" && message.Length is > 0 and <= 4096)
        {
            digest = CryptographicOperations.HashData(hash, message);
        }
        else
        {
            throw new KmsError(400, "ValidationException", "Message must be 1 to 4096 bytes, and MessageType RAW or DIGEST.");
        }

        var signature = key.Key switch
        {
            ECDsa ecdsa => ecdsa.SignHash(digest, DSASignatureFormat.Rfc3279DerSequence),
            RSA rsa => rsa.SignHash(digest, hash, algorithm.StartsWith("RSASSA_PSS", StringComparison.Ordinal) ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1),
            _ => throw new KmsError(500, "KMSInternalException", "unexpected key type"),
        };
        return new JsonObject { ["KeyId"] = key.Arn, ["Signature"] = Convert.ToBase64String(signature), ["SigningAlgorithm"] = algorithm };
    }

    private static void EnsureUsable(FakeKmsKey key)
    {
        switch (key.KeyState)
        {
            case "Enabled":
                return;
            case "Disabled":
                throw new KmsError(400, "DisabledException", $"{key.Arn} is disabled.");
            default:
                throw new KmsError(400, "KMSInvalidStateException", $"{key.Arn} is pending deletion.");
        }
    }

    private static Task ErrorAsync(HttpContext context, int status, string code, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/x-amz-json-1.1";
        return context.Response.WriteAsync(new JsonObject { ["__type"] = code, ["message"] = message }.ToJsonString());
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        foreach (var key in _keys.Values)
        {
            key.Dispose();
        }
    }

    private sealed class KmsError(int status, string code, string message) : Exception(message)
    {
        public int Status { get; } = status;

        public string Code { get; } = code;
    }
}

/// <summary>One call the fake KMS received: the key id as sent, and whether it was served or the error code it got.</summary>
public sealed record FakeKmsCall(string Operation, string? KeyId, bool Accepted, string? ErrorCode);
