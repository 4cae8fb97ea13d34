using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using OpenRolesAnywhere.Core.SigV4;
using Yarp.ReverseProxy.Forwarder;

namespace OpenRolesAnywhere.Proxy;

/// <summary>What the proxy endpoint prepared for the transformer: whose credentials, and the body's hash (or <c>UNSIGNED-PAYLOAD</c>).</summary>
internal sealed record SigningInput(AwsCredentials Credentials, string PayloadHash);

/// <summary>
/// YARP's request transform that signs: after YARP's own copy of the request (hop-by-hop headers left out),
/// it replaces the client's <c>Host</c> by the upstream's authority and drops what the client may have
/// signed itself, then signs the outgoing request with Core's HMAC signer: <c>host</c>, <c>content-type</c>,
/// <c>content-md5</c> and every remaining <c>x-amz-*</c> header (such as <c>X-Amz-Target</c>, which
/// JSON-protocol services need), over the payload hash the endpoint computed.
/// </summary>
internal sealed class SigV4Transformer(SigV4ProxyOptions options, TimeProvider time) : HttpTransformer
{
    public const string UnsignedPayload = "UNSIGNED-PAYLOAD";

    /// <summary>What a signature is made of; a client's own would be wrong or stale, so they are never passed on.</summary>
    private static readonly string[] Stripped =
    [
        "Authorization", "X-Amz-Date", "X-Amz-Security-Token", "X-Amz-Content-Sha256",
        "X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-SignedHeaders", "X-Amz-Signature", "X-Amz-Expires",
    ];

    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
        // YARP fills in the URI after the transforms when they leave it; it is signed, so it is made here. The
        // client's Host (the proxy's) is dropped: HttpClient sends the upstream's, the one signed.
        proxyRequest.RequestUri ??= RequestUtilities.MakeDestinationAddress(destinationPrefix, httpContext.Request.Path, httpContext.Request.QueryString);
        proxyRequest.Headers.Host = null;
        var input = httpContext.Features.GetRequiredFeature<SigningInput>();
        foreach (var name in Stripped)
        {
            proxyRequest.Headers.Remove(name);
        }

        if (options.IsS3 || input.PayloadHash == UnsignedPayload)
        {
            proxyRequest.Headers.TryAddWithoutValidation("X-Amz-Content-Sha256", input.PayloadHash);
        }

        var signable = Signable(proxyRequest, input.PayloadHash);
        var signature = HmacSigner.SignHeaders(signable, input.Credentials, new CredentialScope(time.GetUtcNow(), options.Region, options.Service), normalizePath: !options.IsS3);
        foreach (var (name, value) in signable.Headers)
        {
            // The signer's own additions (X-Amz-Date, the session token); the rest is on the message already.
            if (name != "Host" && !proxyRequest.Headers.NonValidated.Contains(name) && proxyRequest.Content?.Headers.NonValidated.Contains(name) != true)
            {
                proxyRequest.Headers.TryAddWithoutValidation(name, value);
            }
        }

        proxyRequest.Headers.TryAddWithoutValidation("Authorization", signature.AuthorizationHeader);
    }

    /// <summary>
    /// The outgoing request as SigV4 sees it. The path goes in as sent (the signer encodes it once more, as
    /// AWS does for every service but S3) or, for S3, decoded (encoded once, never normalized).
    /// </summary>
    private SignableRequest Signable(HttpRequestMessage request, string payloadHash)
    {
        var uri = request.RequestUri!;
        var signable = new SignableRequest(request.Method.Method, options.IsS3 ? Uri.UnescapeDataString(uri.AbsolutePath) : uri.AbsolutePath) { PayloadHash = payloadHash };
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split('=', 2);
            signable.AddQuery(Uri.UnescapeDataString(parts[0]), parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : "");
        }

        signable.AddHeader("Host", uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port}");
        AddSigned(signable, request.Headers.NonValidated);
        if (request.Content is { } content)
        {
            AddSigned(signable, content.Headers.NonValidated);
        }

        return signable;
    }

    private static void AddSigned(SignableRequest signable, HttpHeadersNonValidated headers)
    {
        foreach (var (name, values) in headers)
        {
            if (name.StartsWith("x-amz-", StringComparison.OrdinalIgnoreCase)
                || name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase) || name.Equals("Content-MD5", StringComparison.OrdinalIgnoreCase))
            {
                foreach (var value in values)
                {
                    signable.AddHeader(name, value);
                }
            }
        }
    }
}
