using System.Collections.Concurrent;
using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using OpenRolesAnywhere.TestCommon.FakeRolesAnywhereControlPlane;
using OpenRolesAnywhere.TestCommon.LoopbackHost;

namespace OpenRolesAnywhere.TestCommon.FakeRolesAnywhere;

/// <summary>
/// A stand-in for IAM Roles Anywhere <c>CreateSession</c> on 127.0.0.1 that checks like AWS does: the
/// SigV4-X509 signature against the certificate's public key, the chain to the trust anchor, validity,
/// clock skew, the serial in the credential, the signed headers, the ARNs and the duration. What it
/// rejects, it rejects with AWS's error shape.
/// </summary>
public sealed partial class FakeRolesAnywhereServer : IAsyncDisposable
{
    public const string Region = "us-east-1";
    public const string Account = "123456789012";
    public const string TrustAnchorArn = $"arn:aws:rolesanywhere:{Region}:{Account}:trust-anchor/0a1b2c3d-1111-2222-3333-444455556666";
    public const string ProfileArn = $"arn:aws:rolesanywhere:{Region}:{Account}:profile/9f8e7d6c-1111-2222-3333-444455556666";
    public const string RoleArn = $"arn:aws:iam::{Account}:role/workload";

    private static readonly string[] RequiredSignedHeaders = ["content-type", "host", "x-amz-date", "x-amz-x509"];
    private readonly X509Certificate2 _trustAnchor;
    private readonly ConcurrentQueue<Func<HttpContext, Task<bool>>> _interceptors = new();
    private readonly ConcurrentBag<IssuedSession> _issued = [];
    private int _calls;

    private WebApplication _app = null!;

    private FakeRolesAnywhereServer(X509Certificate2 trustAnchor)
    {
        _trustAnchor = trustAnchor;
    }

    public Uri Endpoint { get; private set; } = null!;

    /// <summary>Every CreateSession that arrived, accepted or not.</summary>
    public int Calls => _calls;

    public IReadOnlyCollection<IssuedSession> Issued => _issued;

    /// <summary>Roles the profile lets sessions assume.</summary>
    public HashSet<string> ProfileRoles { get; } = [RoleArn];

    public TimeSpan ProfileMaxDuration { get; set; } = TimeSpan.FromHours(12);

    public bool TrustAnchorEnabled { get; set; } = true;

    public ConcurrentDictionary<string, bool> RevokedSerials { get; } = new();

    /// <summary>The service's clock, for skew and validity checks.</summary>
    public TimeProvider Time { get; set; } = TimeProvider.System;

    /// <param name="otherRequests">Answers every request but CreateSession: the control plane fake, which AWS serves at the same endpoint.</param>
    public static async Task<FakeRolesAnywhereServer> StartAsync(X509Certificate2 trustAnchor, Func<HttpContext, Task>? otherRequests = null)
    {
        var server = new FakeRolesAnywhereServer(trustAnchor);
        (server._app, server.Endpoint) = await LoopbackWebApp.StartAsync(app =>
        {
            app.MapPost("/sessions", server.CreateSessionAsync);
            if (otherRequests is not null)
            {
                app.MapFallback("{**path}", context => otherRequests(context));
            }
        });
        return server;
    }

    /// <summary>
    /// Answers the next call by <paramref name="interceptor"/> before any check (for throttling, outages,
    /// slowness); it returns true when it has answered.
    /// </summary>
    public void Intercept(Func<HttpContext, Task<bool>> interceptor) => _interceptors.Enqueue(interceptor);

    /// <summary>Answers the next call with an AWS error, as the real service would.</summary>
    public void FailNext(int status, string type, string message) =>
        Intercept(async context =>
        {
            await WriteErrorAsync(context, status, type, message);
            return true;
        });

    private async Task CreateSessionAsync(HttpContext context)
    {
        Interlocked.Increment(ref _calls);
        if (_interceptors.TryDequeue(out var interceptor) && await interceptor(context))
        {
            return;
        }

        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        var error = Verify(context.Request, body.ToArray(), out var session);
        if (error is not null)
        {
            await WriteErrorAsync(context, error.Value.Status, error.Value.Type, error.Value.Message);
            return;
        }

        _issued.Add(session!);
        context.Response.StatusCode = 201;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            credentialSet = new[]
            {
                new
                {
                    assumedRoleUser = new { arn = $"arn:aws:sts::{Account}:assumed-role/workload/{session!.SerialNumber}", assumedRoleId = "AROAEXAMPLE:" + session.SerialNumber },
                    credentials = new
                    {
                        accessKeyId = session.AccessKeyId,
                        secretAccessKey = session.SecretAccessKey,
                        sessionToken = session.SessionToken,
                        expiration = session.Expiration.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                    },
                    packedPolicySize = 0,
                    roleArn = session.RoleArn,
                    sourceIdentity = session.Subject,
                },
            },
            subjectArn = $"arn:aws:rolesanywhere:{Region}:{Account}:subject/{Guid.NewGuid()}",
        }));
    }

    private (int Status, string Type, string Message)? Verify(HttpRequest request, byte[] body, out IssuedSession? session)
    {
        session = null;
        var now = Time.GetUtcNow();
        var query = request.Query;
        string? Q(string name) => query.TryGetValue(name, out var v) ? v.ToString() : null;
        if (Q("trustAnchorArn") is not { } anchor || Q("profileArn") is not { } profile || Q("roleArn") is not { } role)
        {
            return (400, "ValidationException", "trustAnchorArn, profileArn and roleArn are required");
        }

        if (anchor != TrustAnchorArn || profile != ProfileArn)
        {
            return (404, "ResourceNotFoundException", "Resource not found");
        }

        if (!TrustAnchorEnabled)
        {
            return (403, "AccessDeniedException", "Trust anchor is disabled");
        }

        var authorization = AuthorizationPattern().Match(request.Headers.Authorization.ToString());
        if (!authorization.Success)
        {
            return (403, "AccessDeniedException", "Missing or malformed Authorization header");
        }

        var algorithm = authorization.Groups["algorithm"].Value;
        var signedHeaders = authorization.Groups["signed"].Value.Split(';');
        if (RequiredSignedHeaders.Except(signedHeaders).Any() || !signedHeaders.SequenceEqual(signedHeaders.Order(StringComparer.Ordinal)))
        {
            return (403, "AccessDeniedException", "Signed headers must include content-type;host;x-amz-date;x-amz-x509, sorted");
        }

        if (request.Headers.ContainsKey("X-Amz-X509-Chain") && !signedHeaders.Contains("x-amz-x509-chain"))
        {
            return (403, "AccessDeniedException", "X-Amz-X509-Chain must be signed");
        }

        if (!DateTimeOffset.TryParseExact(request.Headers["X-Amz-Date"].ToString(), "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
        {
            return (403, "AccessDeniedException", "X-Amz-Date is missing or malformed");
        }

        if ((now - date).Duration() > TimeSpan.FromMinutes(5))
        {
            return (403, "AccessDeniedException", "Signature expired: request date is too far from the server time");
        }

        if (authorization.Groups["date"].Value != date.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture)
            || authorization.Groups["region"].Value != Region)
        {
            return (403, "AccessDeniedException", "Credential scope does not match the request date or region");
        }

        X509Certificate2 leaf;
        var intermediates = new List<X509Certificate2>();
        try
        {
            leaf = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(request.Headers["X-Amz-X509"].ToString()));
            foreach (var part in request.Headers["X-Amz-X509-Chain"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                intermediates.Add(X509CertificateLoader.LoadCertificate(Convert.FromBase64String(part)));
            }
        }
        catch (Exception e) when (e is FormatException or CryptographicException)
        {
            return (400, "ValidationException", "X-Amz-X509 is not a base64 DER certificate");
        }

        using (leaf)
        {
            var serial = new BigInteger(leaf.SerialNumberBytes.Span, isUnsigned: true, isBigEndian: true).ToString(CultureInfo.InvariantCulture);
            if (authorization.Groups["serial"].Value != serial)
            {
                return (403, "AccessDeniedException", "Credential serial number does not match the certificate");
            }

            var canonical = IndependentSigV4.CanonicalRequest(request.Method, request.Path.Value ?? "/", request.QueryString.Value ?? "",
                signedHeaders, name => name == "host" ? [request.Host.Value ?? ""] : request.Headers[name].Select(v => v ?? "").ToList(), body);
            var stringToSign = $"{algorithm}\n{request.Headers["X-Amz-Date"]}\n{authorization.Groups["date"].Value}/{Region}/rolesanywhere/aws4_request\n{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))}";
            if (!VerifySignature(leaf, algorithm, Encoding.UTF8.GetBytes(stringToSign), authorization.Groups["signature"].Value))
            {
                return (403, "AccessDeniedException", "Invalid signature");
            }

            if (now < leaf.NotBefore.ToUniversalTime() || now > leaf.NotAfter.ToUniversalTime())
            {
                return (403, "AccessDeniedException", "Certificate expired or not yet valid");
            }

            if (!Chains(leaf, intermediates, now))
            {
                return (403, "AccessDeniedException", "Untrusted signing certificate");
            }

            if (RevokedSerials.ContainsKey(serial))
            {
                // AWS answers a certificate revoked by an imported CRL as it answers an unknown issuer (docs/doctor.md).
                return (403, "AccessDeniedException", "Untrusted signing certificate");
            }

            if (!ProfileRoles.Contains(role))
            {
                return (403, "AccessDeniedException", "Unable to assume role: the role is not in the profile");
            }

            TimeSpan duration;
            string? sessionName = null;
            try
            {
                using var document = JsonDocument.Parse(body.Length == 0 ? "{}"u8.ToArray() : body);
                duration = TimeSpan.FromSeconds(document.RootElement.TryGetProperty("durationSeconds", out var d) ? d.GetInt32() : 3600);
                sessionName = document.RootElement.TryGetProperty("roleSessionName", out var n) ? n.GetString() : null;
            }
            catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
            {
                return (400, "ValidationException", "Request body is not valid JSON");
            }

            if (duration < TimeSpan.FromSeconds(900) || duration > TimeSpan.FromSeconds(43200) || duration > ProfileMaxDuration)
            {
                return (400, "ValidationException", "durationSeconds is out of range for this profile");
            }

            session = new IssuedSession(
                "ASIA" + RandomNumberGenerator.GetHexString(16, lowercase: false),
                RandomNumberGenerator.GetHexString(40),
                RandomNumberGenerator.GetHexString(64),
                now.Add(duration), role, serial, leaf.Subject, sessionName, algorithm);
            return null;
        }
    }

    /// <summary>
    /// The leaf chains to the trust anchor. OpenSSL before 3.5 cannot build a chain from an ML-DSA certificate, so
    /// for one the leaf's signature is checked with its issuer's key and the chain is built from that issuer.
    /// </summary>
    private bool Chains(X509Certificate2 leaf, List<X509Certificate2> intermediates, DateTimeOffset now)
    {
        var start = leaf;
        if (MlDsaLevel(leaf.PublicKey.Oid.Value) is not null)
        {
            var issuer = intermediates.Append(_trustAnchor).FirstOrDefault(c => c.SubjectName.RawData.AsSpan().SequenceEqual(leaf.IssuerName.RawData));
            if (issuer is null || !SignedDer.SignatureVerifies(leaf.RawData, issuer))
            {
                return false;
            }

            if (issuer.RawData.AsSpan().SequenceEqual(_trustAnchor.RawData))
            {
                return true;
            }

            start = issuer;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(_trustAnchor);
        chain.ChainPolicy.ExtraStore.AddRange(intermediates.ToArray());
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = now.UtcDateTime;
        return chain.Build(start);
    }

    private static bool VerifySignature(X509Certificate2 leaf, string algorithm, byte[] data, string hexSignature)
    {
        byte[] signature;
        try
        {
            signature = Convert.FromHexString(hexSignature);
        }
        catch (FormatException)
        {
            return false;
        }

        if (algorithm == "AWS4-X509-RSA-SHA256" && leaf.GetRSAPublicKey() is { } rsa)
        {
            using (rsa)
            {
                return rsa.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            }
        }

        if (algorithm == "AWS4-X509-MLDSA" && MlDsaLevel(leaf.PublicKey.Oid.Value) is { } level)
        {
            return NobleMlDsa.Verify(level, leaf.PublicKey.EncodedKeyValue.RawData, data, signature);
        }

        if (algorithm == "AWS4-X509-ECDSA-SHA256" && leaf.GetECDsaPublicKey() is { } ec)
        {
            using (ec)
            {
                return ec.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
            }
        }

        return false;
    }

    /// <summary>FIPS 204's parameter set of an id-ml-dsa-* OID (NIST's registry), or null.</summary>
    private static int? MlDsaLevel(string? oid) => oid switch
    {
        "2.16.840.1.101.3.4.3.17" => 44,
        "2.16.840.1.101.3.4.3.18" => 65,
        "2.16.840.1.101.3.4.3.19" => 87,
        _ => null,
    };

    public static Task WriteErrorAsync(HttpContext context, int status, string type, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.Headers["X-Amzn-ErrorType"] = type;
        return context.Response.WriteAsync(JsonSerializer.Serialize(new Dictionary<string, string> { ["__type"] = type, ["message"] = message }));
    }

    [GeneratedRegex(@"^(?<algorithm>AWS4-X509-(RSA|ECDSA)-SHA256|AWS4-X509-MLDSA) Credential=(?<serial>\d+)/(?<date>\d{8})/(?<region>[a-z0-9-]+)/rolesanywhere/aws4_request, SignedHeaders=(?<signed>[a-z0-9;-]+), Signature=(?<signature>[0-9a-f]+)$")]
    private static partial Regex AuthorizationPattern();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>Credentials the fake issued, so tests can check they reached the client unchanged.</summary>
public sealed record IssuedSession(
    string AccessKeyId, string SecretAccessKey, string SessionToken, DateTimeOffset Expiration,
    string RoleArn, string SerialNumber, string Subject, string? RoleSessionName, string Algorithm);
