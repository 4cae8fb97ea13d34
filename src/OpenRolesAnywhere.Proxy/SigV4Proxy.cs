using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.Core.SigV4;
using OpenRolesAnywhere.Server.Configuration;
using Yarp.ReverseProxy.Forwarder;

namespace OpenRolesAnywhere.Proxy;

/// <summary>
/// One proxied request: the body read (up to the cap) and hashed, or left to stream as
/// <c>UNSIGNED-PAYLOAD</c>; credentials from the server's cache; then YARP's forwarder with the signing
/// transform, its activity timeout, and its streaming of the answer back. Counted by service and status.
/// </summary>
internal sealed partial class SigV4Proxy : IDisposable
{
    private readonly SigV4ProxyOptions _options;
    private readonly ServedCredentials _credentials;
    private readonly IHttpForwarder _forwarder;
    private readonly ProxyMetrics _metrics;
    private readonly ILogger<SigV4Proxy> _logger;
    private readonly SigV4Transformer _transformer;
    private readonly ForwarderRequestConfig _config;
    private readonly HttpMessageInvoker _upstream;

    public SigV4Proxy(SigV4ProxyOptions options, ServedCredentials credentials, IHttpForwarder forwarder, ProxyMetrics metrics, TimeProvider time, ILogger<SigV4Proxy> logger)
    {
        _options = options;
        _credentials = credentials;
        _forwarder = forwarder;
        _metrics = metrics;
        _logger = logger;
        _transformer = new SigV4Transformer(options, time);
        _config = new ForwarderRequestConfig { ActivityTimeout = options.Timeout };
        // As YARP advises for a forwarder: no redirects, cookies or decompression of its own; answers pass through as they are.
        _upstream = new HttpMessageInvoker(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            EnableMultipleHttp2Connections = true,
            ConnectTimeout = TimeSpan.FromSeconds(15),
        });
    }

    public async Task ForwardAsync(HttpContext context)
    {
        if (await PrepareAsync(context) is { } input)
        {
            context.Features.Set(input);
            var error = await _forwarder.SendAsync(context, _options.Upstream.ToString(), _upstream, _config, _transformer);
            if (error != ForwarderError.None)
            {
                ForwardFailed(_logger, _options.Service, error, context.GetForwarderErrorFeature()?.Exception?.GetType().Name ?? "");
            }
        }

        _metrics.Proxied(_options.Service, context.Response.StatusCode);
    }

    /// <summary>The signing input, or null when the request was answered here (body too large, no credentials).</summary>
    private async Task<SigningInput?> PrepareAsync(HttpContext context)
    {
        var payloadHash = SigV4Transformer.UnsignedPayload;
        if (_options.SignsPayload)
        {
            if (await ReadBodyAsync(context) is not { } body)
            {
                return null;
            }

            payloadHash = SigV4Encoding.HexSha256(body);
        }
        else
        {
            SetBodyLimit(context, SigV4ProxyOptions.MaxStreamedBodyBytes);
        }

        try
        {
            var cached = await _credentials.GetAsync(_options.Source, context.RequestAborted);
            var session = cached.Credentials;
            return new SigningInput(new AwsCredentials(session.AccessKeyId, session.SecretAccessKey, session.SessionToken), payloadHash);
        }
        catch (CredentialException e)
        {
            // The cache's own words: why no credentials are valid (never a secret).
            await ProxyReplies.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, $"No credentials to sign with: {e.Message}");
            return null;
        }
    }

    /// <summary>The whole body, put back for YARP to send; null when it was larger than the cap (answered 413).</summary>
    private async Task<byte[]?> ReadBodyAsync(HttpContext context)
    {
        SetBodyLimit(context, _options.MaxBodyBytes);
        var tooLarge = $"The body is larger than the proxy signs ({_options.MaxBodyBytes} bytes): send less per request.";
        if (context.Request.ContentLength > _options.MaxBodyBytes)
        {
            await ProxyReplies.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, tooLarge);
            return null;
        }

        using var buffer = new MemoryStream();
        try
        {
            await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            await ProxyReplies.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, tooLarge);
            return null;
        }

        var body = buffer.ToArray();
        if (body.Length > 0)
        {
            // YARP reads the body when it sends; what it sends is exactly what was hashed.
            context.Request.Body = new MemoryStream(body, writable: false);
            context.Request.ContentLength = body.Length;
        }

        return body;
    }

    private static void SetBodyLimit(HttpContext context, long bytes)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = bytes;
        }
    }

    public void Dispose() => _upstream.Dispose();

    [LoggerMessage(1, LogLevel.Warning, "Forwarding a signed request to {Service} failed: {Error} {ExceptionType}")]
    private static partial void ForwardFailed(ILogger logger, string service, ForwarderError error, string exceptionType);
}
