using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using OpenRolesAnywhere.TestCommon.FakeRolesAnywhere;

namespace OpenRolesAnywhere.TestCommon.SigV4Verification;

/// <summary>A request AWS would refuse, with the error code AWS would answer.</summary>
public sealed record SigV4Failure(string Code, string Message);

/// <summary>
/// Checks an <c>AWS4-HMAC-SHA256</c> request the way AWS does: recomputes the canonical request from what
/// arrived on the wire and compares signatures. Written apart from the product's signer on purpose, so a
/// mistake shared by both cannot pass unnoticed.
/// </summary>
public sealed class SigV4HmacVerifier
{
    private static readonly TimeSpan AllowedSkew = TimeSpan.FromMinutes(5);
    private readonly string _service;
    private readonly string _region;
    private readonly string _accessKeyId;
    private readonly string _secret;
    private readonly string? _sessionToken;
    private readonly TimeProvider _time;

    public SigV4HmacVerifier(string service, string region, string accessKeyId, string secret, string? sessionToken = null, TimeProvider? time = null)
    {
        _service = service;
        _region = region;
        _accessKeyId = accessKeyId;
        _secret = secret;
        _sessionToken = sessionToken;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Null when the request is signed as AWS requires; otherwise why not.</summary>
    public SigV4Failure? Verify(HttpRequest request, byte[] body)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.Length == 0)
        {
            return new("MissingAuthenticationTokenException", "Missing Authentication Token");
        }

        const string prefix = "AWS4-HMAC-SHA256 ";
        if (!authorization.StartsWith(prefix, StringComparison.Ordinal))
        {
            return new("IncompleteSignatureException", $"Unsupported authorization scheme: {authorization.Split(' ')[0]}");
        }

        var parts = authorization[prefix.Length..].Split(',', StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2))
            .Where(p => p.Length == 2)
            .ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
        if (!parts.TryGetValue("Credential", out var credential) || !parts.TryGetValue("SignedHeaders", out var signedHeaderList) || !parts.TryGetValue("Signature", out var signature))
        {
            return new("IncompleteSignatureException", "Authorization header requires Credential, SignedHeaders and Signature.");
        }

        var scope = credential.Split('/');
        if (scope.Length != 5 || scope[4] != "aws4_request")
        {
            return new("IncompleteSignatureException", $"Credential '{credential}' is not AccessKeyId/date/region/service/aws4_request.");
        }

        if (scope[0] != _accessKeyId)
        {
            return new("UnrecognizedClientException", "The security token included in the request is invalid.");
        }

        if (scope[2] != _region || scope[3] != _service)
        {
            return new("InvalidSignatureException", $"Credential should be scoped to region '{_region}' and service '{_service}', not '{scope[2]}'/'{scope[3]}'.");
        }

        var amzDate = request.Headers["X-Amz-Date"].ToString();
        if (!DateTimeOffset.TryParseExact(amzDate, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var sent))
        {
            return new("IncompleteSignatureException", "X-Amz-Date is missing or not yyyyMMddTHHmmssZ.");
        }

        if ((sent - _time.GetUtcNow()).Duration() > AllowedSkew)
        {
            return new("InvalidSignatureException", $"Signature expired: {amzDate} is more than 5 minutes from the server's time.");
        }

        if (scope[1] != amzDate[..8])
        {
            return new("InvalidSignatureException", "Credential date does not match X-Amz-Date.");
        }

        var signedHeaders = signedHeaderList.Split(';');
        if (!signedHeaders.SequenceEqual(signedHeaders.Order(StringComparer.Ordinal)) || signedHeaders.Any(h => h.Any(char.IsAsciiLetterUpper)))
        {
            return new("InvalidSignatureException", "SignedHeaders must be lowercase and sorted.");
        }

        foreach (var mustSign in new[] { "host", "x-amz-date", "x-amz-security-token", "x-amz-target", "content-type" })
        {
            if ((mustSign is "host" or "x-amz-date" || request.Headers.ContainsKey(mustSign)) && !signedHeaders.Contains(mustSign))
            {
                return new("InvalidSignatureException", $"'{mustSign}' must be a signed header.");
            }
        }

        var token = request.Headers["X-Amz-Security-Token"].ToString();
        if ((_sessionToken ?? "") != token)
        {
            return new("UnrecognizedClientException", "The security token included in the request is invalid.");
        }

        var declared = request.Headers["X-Amz-Content-SHA256"].ToString();
        if (declared.Length > 0 && declared != Convert.ToHexStringLower(SHA256.HashData(body)))
        {
            return new("InvalidSignatureException", "X-Amz-Content-SHA256 does not match the body.");
        }

        foreach (var name in signedHeaders)
        {
            if (name != "host" && !request.Headers.ContainsKey(name))
            {
                return new("InvalidSignatureException", $"Signed header '{name}' is not in the request.");
            }
        }

        var rawTarget = request.HttpContext.Features.Get<IHttpRequestFeature>()?.RawTarget ?? request.Path.ToString();
        var canonical = IndependentSigV4.CanonicalRequest(
            request.Method, rawTarget.Split('?', 2)[0], request.QueryString.Value ?? "", signedHeaders,
            name => name == "host" ? [request.Headers.Host.ToString()] : request.Headers[name].Select(v => v ?? "").ToArray(), body);
        var stringToSign = $"AWS4-HMAC-SHA256\n{amzDate}\n{scope[1]}/{scope[2]}/{scope[3]}/aws4_request\n{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))}";
        var key = Hmac(Encoding.UTF8.GetBytes("AWS4" + _secret), scope[1]);
        key = Hmac(key, scope[2]);
        key = Hmac(key, scope[3]);
        key = Hmac(key, "aws4_request");
        var expected = Convert.ToHexStringLower(Hmac(key, stringToSign));
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(signature))
            ? null
            : new("InvalidSignatureException", "The request signature we calculated does not match the signature you provided.");
    }

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));
}
