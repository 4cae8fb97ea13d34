using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OpenRolesAnywhere.Core;
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
        app.MapGet("/v1/local/credentials/{hash}", async (HttpContext context, CredentialSources sources, CredentialCache cache) =>
        {
            // Kestrel gives Unix socket connections no IP addresses; every TCP connection has a local one.
            if (context.Connection.LocalIpAddress is not null)
            {
                return Results.NotFound();
            }

            if (sources.ForLocalPath(context.Request.Path.Value!) is not { } source)
            {
                return Replies.Json(StatusCodes.Status404NotFound, "NotFound", "This server has no source with that certificate, key and role.");
            }

            try
            {
                return Replies.Ok(CredentialJson.Container(await cache.GetAsync(source, context.RequestAborted)));
            }
            catch (CredentialException e)
            {
                return Replies.Unavailable(e);
            }
        });
        return app;
    }
}
