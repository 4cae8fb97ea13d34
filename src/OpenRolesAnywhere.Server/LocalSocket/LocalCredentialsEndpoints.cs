using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OpenRolesAnywhere.Core.Credentials;
using OpenRolesAnywhere.Server.Configuration;
using OpenRolesAnywhere.Server.Responses;

namespace OpenRolesAnywhere.Server.LocalSocket;

/// <summary>
/// <c>POST /v1/local/credentials</c> with a source key (<see cref="ICredentialSource.CacheKey"/>) as the body, for <c>credential-process</c> (see
/// <see cref="LocalServerClient"/>). Answered only on the Unix socket, whose 0600 mode is the authentication;
/// on TCP it does not exist.
/// </summary>
internal static class LocalCredentialsEndpoints
{
    public static IEndpointRouteBuilder MapLocalCredentials(this IEndpointRouteBuilder app)
    {
        app.MapPost(LocalServerClient.RequestPath, async (HttpContext context, CredentialSources sources, CredentialCache cache) =>
        {
            // Kestrel gives Unix socket connections no IP addresses; every TCP connection has a local one.
            if (context.Connection.LocalIpAddress is not null)
            {
                return Results.NotFound();
            }

            if (context.Request.ContentLength is not (>= 0 and <= LocalServerClient.MaxKeyBytes))
            {
                return Replies.Json(StatusCodes.Status400BadRequest, "InvalidInput", $"Send the key as the body, with a Content-Length of at most {LocalServerClient.MaxKeyBytes} bytes.");
            }

            using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
            var key = await reader.ReadToEndAsync(context.RequestAborted);
            return sources.ForLocalKey(key) is { } source
                ? await Replies.FromCacheAsync(cache, source, cached => Replies.Ok(CredentialJson.Container(cached)), context.RequestAborted)
                : MarkLookupMiss(context, Replies.Json(StatusCodes.Status404NotFound, "NotFound", "This server has no source with that certificate, key and role."));
        });
        return app;
    }

    private static readonly object LookupMiss = new();

    /// <summary>Marks the answer "no such source here", which the request log keeps at Debug.</summary>
    private static IResult MarkLookupMiss(HttpContext context, IResult answer)
    {
        context.Items[LookupMiss] = true;
        return answer;
    }

    public static bool IsLookupMiss(HttpContext context) => context.Items.ContainsKey(LookupMiss);
}
