using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OpenRolesAnywhere.Core.Credentials;
using OpenRolesAnywhere.Server.Configuration;
using OpenRolesAnywhere.Server.Responses;

namespace OpenRolesAnywhere.Server.LocalSocket;

/// <summary>
/// <c>GET /v1/local/credentials/{key hash}</c> for <c>credential-process</c> (see <see cref="LocalServerClient"/>).
/// Answered only on the Unix socket, whose 0600 mode is the authentication; on TCP it does not exist.
/// </summary>
internal static class LocalCredentialsEndpoints
{
    public static IEndpointRouteBuilder MapLocalCredentials(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/local/credentials/{hash}", (HttpContext context, CredentialSources sources, CredentialCache cache) =>
        {
            // Kestrel gives Unix socket connections no IP addresses; every TCP connection has a local one.
            if (context.Connection.LocalIpAddress is not null)
            {
                return Task.FromResult(Results.NotFound());
            }

            return sources.ForLocalPath(context.Request.Path.Value!) is { } source
                ? Replies.FromCacheAsync(cache, source, cached => Replies.Ok(CredentialJson.Container(cached)), context.RequestAborted)
                : Task.FromResult(Replies.Json(StatusCodes.Status404NotFound, "NotFound", "This server has no source with that certificate, key and role."));
        });
        return app;
    }
}
