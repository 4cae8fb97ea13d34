using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace OpenRolesAnywhere.Core.SigV4;

/// <summary>Ordinary SigV4 (<c>AWS4-HMAC-SHA256</c>), for AWS control-plane calls made with access keys.</summary>
public static class HmacSigner
{
    public const string Algorithm = "AWS4-HMAC-SHA256";

    /// <summary>
    /// Adds <c>X-Amz-Date</c> (and the session token unless <paramref name="omitSessionToken"/>) to the
    /// request's headers, then signs them all. The caller sends the returned Authorization header.
    /// </summary>
    public static SigV4Signature SignHeaders(
        SignableRequest request, AwsCredentials credentials, CredentialScope scope,
        bool normalizePath = true, bool omitSessionToken = false)
    {
        request.AddHeader("X-Amz-Date", scope.AmzDate);
        if (credentials.SessionToken is { } token && !omitSessionToken)
        {
            request.AddHeader("X-Amz-Security-Token", token);
        }

        return Sign(request, credentials, scope, normalizePath);
    }

    /// <summary>
    /// Presigns into the query string (<c>X-Amz-*</c> parameters) for <paramref name="expires"/>;
    /// the caller appends <c>X-Amz-Signature</c> with the returned signature.
    /// </summary>
    public static SigV4Signature PresignQuery(
        SignableRequest request, AwsCredentials credentials, CredentialScope scope, TimeSpan expires,
        bool normalizePath = true, bool omitSessionToken = false)
    {
        var signedHeaders = string.Join(';', request.Headers.Select(h => h.Key.ToLowerInvariant()).Distinct().Order(StringComparer.Ordinal));
        request.AddQuery("X-Amz-Algorithm", Algorithm)
            .AddQuery("X-Amz-Credential", $"{credentials.AccessKeyId}/{scope}")
            .AddQuery("X-Amz-Date", scope.AmzDate)
            .AddQuery("X-Amz-Expires", ((long)expires.TotalSeconds).ToString(CultureInfo.InvariantCulture))
            .AddQuery("X-Amz-SignedHeaders", signedHeaders);
        if (credentials.SessionToken is { } token && !omitSessionToken)
        {
            request.AddQuery("X-Amz-Security-Token", token);
        }

        return Sign(request, credentials, scope, normalizePath);
    }

    private static SigV4Signature Sign(SignableRequest request, AwsCredentials credentials, CredentialScope scope, bool normalizePath)
    {
        var canonical = CanonicalRequest.Create(request, normalizePath);
        var stringToSign = SigV4Signature.BuildStringToSign(Algorithm, scope, canonical);
        var key = DeriveSigningKey(credentials.SecretAccessKey, scope);
        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));
        return new SigV4Signature(Algorithm, scope, canonical, stringToSign, signature, credentials.AccessKeyId);
    }

    private static byte[] DeriveSigningKey(string secret, CredentialScope scope)
    {
        var key = HMACSHA256.HashData(Encoding.UTF8.GetBytes("AWS4" + secret), Encoding.UTF8.GetBytes(scope.Date));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(scope.Region));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(scope.Service));
        return HMACSHA256.HashData(key, "aws4_request"u8);
    }
}
