using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenRolesAnywhere.Server.Hosting;
using OpenRolesAnywhere.Server.Logging;
using OpenRolesAnywhere.Server.Responses;

namespace OpenRolesAnywhere.Server.Security;

/// <summary>
/// The checks every request passes first: a loopback-only server refuses other peers; the <c>Host</c>
/// header must be an IP literal, <c>localhost</c> or a name allowed by flag (a web page whose DNS name was
/// rebound to 127.0.0.1 sends its own name); no request bodies beyond a few bytes (a side listener, if
/// any, takes its routes' limit and answers in its own error style). Repeated slashes in
/// the path count as one. Connections to an https listener (a node serving its pods) skip the peer and Host
/// checks: any peer may connect, as the listener is meant for other machines, and the client has verified that
/// the certificate names the host it asked for, which a rebound name cannot pass. Tokens stay required and
/// IMDS stays loopback-only there.
/// </summary>
internal static partial class RequestGuard
{
    /// <param name="sideListeners">Whether any side listener exists (else no request needs its connection's owner looked up).</param>
    public static IApplicationBuilder UseRequestGuard(this IApplicationBuilder app, bool sideListeners)
    {
        var options = app.ApplicationServices.GetRequiredService<ServeOptions>();
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(RequestGuard));
        var allowedHosts = new HashSet<string>(options.AllowedHosts.Append("localhost"), StringComparer.OrdinalIgnoreCase);
        return app.Use((context, next) =>
        {
            var side = sideListeners ? SideListeners.Owner(context) : null;
            var https = context.Request.IsHttps;
            var peer = context.Connection.RemoteIpAddress;
            if (!options.AllowRemote && !https && peer is not null && !Listeners.IsLoopback(peer))
            {
                return Forbid(context, side, logger, log => Log.RefusedPeer(log, peer.ToString()), "This server answers only requests from this machine.");
            }

            var host = context.Request.Host.Host;
            if (!https && host.Length > 0 && !allowedHosts.Contains(host) && !IPAddress.IsValid(host.AsSpan().Trim("[]")))
            {
                return Forbid(context, side, logger, log => Log.RefusedHost(log, host), "The Host header names a host this server does not answer to.");
            }

            if (side is not null)
            {
                // Its routes read at most this much, chunked or not.
                if (context.Request.ContentLength > side.MaxRequestBytes)
                {
                    return side.RefuseAsync(context, StatusCodes.Status413PayloadTooLarge, "PayloadTooLarge", $"The body may be at most {side.MaxRequestBytes} bytes.");
                }
            }
            else if (context.Request.ContentLength > Listeners.MaximumBodyBytes || context.Request.Headers.TransferEncoding.Count > 0)
            {
                return Refuse(context, side, StatusCodes.Status413PayloadTooLarge, "PayloadTooLarge", "This server takes no request bodies.");
            }

            // The .NET SDK joins an endpoint that ends in '/' with "/latest/...": "//latest/api/token". The real IMDS takes it.
            if (context.Request.Path.Value is { } path && path.Contains("//", StringComparison.Ordinal))
            {
                context.Request.Path = new PathString(RepeatedSlashes().Replace(path, "/"));
            }

            return next(context);
        });
    }

    [GeneratedRegex("/{2,}")]
    private static partial Regex RepeatedSlashes();

    /// <summary>Whether the peer is another machine (null: a Unix socket peer, which is local).</summary>
    public static bool IsRemotePeer(HttpContext context) =>
        context.Connection.RemoteIpAddress is { } peer && !Listeners.IsLoopback(peer);

    /// <summary>403, after <paramref name="log"/> has said why, with the request's id and path on the line.</summary>
    private static Task Forbid(HttpContext context, ISideListener? side, ILogger logger, Action<ILogger> log, string message)
    {
        using (Log.RequestScope(logger, context))
        {
            log(logger);
        }

        return Refuse(context, side, StatusCodes.Status403Forbidden, "Forbidden", message);
    }

    /// <summary>In the credential protocols' error shape, or in the side listener's (<paramref name="side"/>: the one the request came in on).</summary>
    private static Task Refuse(HttpContext context, ISideListener? side, int status, string code, string message)
    {
        if (side is not null)
        {
            return side.RefuseAsync(context, status, code, message);
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = Replies.JsonContentType;
        return context.Response.Body.WriteAsync(CredentialJson.Error(code, message)).AsTask();
    }
}
