using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OpenRolesAnywhere.Core.Credentials;
using OpenRolesAnywhere.Server.Configuration;
using OpenRolesAnywhere.Server.Responses;
using OpenRolesAnywhere.Server.Security;

namespace OpenRolesAnywhere.Server.ContainerCredentials;

/// <summary>
/// The container-credentials protocol (<c>AWS_CONTAINER_CREDENTIALS_FULL_URI</c>):
/// <c>GET /v1/credentials</c> for the default source, <c>GET /v1/credentials/{name}</c> for each,
/// with the source's token (its own, else the server's: <see cref="SourceTokens"/>) as the raw <c>Authorization</c> value.
/// </summary>
internal static class ContainerCredentialsEndpoints
{
    public const string Path = "/v1/credentials";

    public static IEndpointRouteBuilder MapContainerCredentials(this IEndpointRouteBuilder app)
    {
        // Authenticated before anything else: even which sources exist is for holders of the server's token only.
        var group = app.MapGroup(Path).AddEndpointFilter(async (invocation, next) =>
            Authorize(invocation.HttpContext, TokenFor(invocation.HttpContext)) ?? await next(invocation));
        group.MapGet("", (HttpContext context, CredentialSources sources, CredentialCache cache) =>
            AnswerAsync(context, sources.Default, cache));
        group.MapGet("/{name}", (string name, HttpContext context, CredentialSources sources, CredentialCache cache) =>
            sources.Named(name) is { } source ? AnswerAsync(context, source, cache) : Task.FromResult(Replies.UnknownSource(name, sources.Names)));
        return app;
    }

    private static Task<IResult> AnswerAsync(HttpContext context, ICredentialSource source, CredentialCache cache) =>
        Replies.FromCacheAsync(cache, source, cached => Replies.Ok(CredentialJson.Container(cached)), context.RequestAborted);

    /// <summary>The token that opens the source the path names; the server's for a name that is no source.</summary>
    private static ServerToken TokenFor(HttpContext context)
    {
        var tokens = context.RequestServices.GetRequiredService<SourceTokens>();
        var sources = context.RequestServices.GetRequiredService<CredentialSources>();
        var source = context.Request.RouteValues.TryGetValue("name", out var name) ? sources.Named(name as string ?? "") : sources.Default;
        return source is null ? tokens.Server : tokens.For(source);
    }

    /// <summary>Null when the request carries the token; else the refusal (401 none, 403 wrong).</summary>
    public static IResult? Authorize(HttpContext context, ServerToken token)
    {
        var presented = context.Request.Headers.Authorization;
        if (presented.Count == 0 || string.IsNullOrEmpty(presented[0]))
        {
            return Replies.Json(StatusCodes.Status401Unauthorized, "Unauthorized",
                "Send the server token as the Authorization header: set AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (see `openrolesanywhere env`).");
        }

        if (presented.Count > 1 || !token.Matches(presented[0]!))
        {
            return Replies.Json(StatusCodes.Status403Forbidden, "Forbidden",
                "The Authorization header does not hold this server's token for this source: check AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE and the source in the path.");
        }

        return null;
    }
}
