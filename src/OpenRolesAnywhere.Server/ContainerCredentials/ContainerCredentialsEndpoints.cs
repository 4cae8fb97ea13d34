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
        // The path SDKs poll: plain request delegates over the root provider's singletons, so a cache hit pays for no
        // request scope, parameter binding or endpoint filter. Resolved at the first request, not here: the sources and
        // the token file come into being when the server starts, where their failures are reported (a failure is not kept).
        var provider = app.ServiceProvider;
        var services = new Lazy<Services>(() => new(provider.GetRequiredService<CredentialSources>(), provider.GetRequiredService<SourceTokens>(),
            provider.GetRequiredService<CredentialCache>()), LazyThreadSafetyMode.PublicationOnly);
        app.MapGet(Path, (RequestDelegate)(context => AnswerAsync(context, services.Value, name: null)));
        app.MapGet(Path + "/{name}", (RequestDelegate)(context => AnswerAsync(context, services.Value, (string?)context.Request.RouteValues["name"])));
        return app;
    }

    private sealed record Services(CredentialSources Sources, SourceTokens Tokens, CredentialCache Cache);

    /// <summary>
    /// Routing's own answer for <c>GET /v1/credentials</c>, the request SDKs poll, given before routing runs (which then
    /// skips matching: a third of what a cache hit spent beyond Kestrel after the rest was trimmed). Only where no side
    /// listener exists, as routing keeps those apart; any other request or spelling of the path is matched as always.
    /// </summary>
    public static IApplicationBuilder UseContainerCredentialsRoute(this IApplicationBuilder app, IEndpointRouteBuilder routes)
    {
        Endpoint? endpoint = null;
        return app.Use((context, next) =>
        {
            if (HttpMethods.IsGet(context.Request.Method) && string.Equals(context.Request.Path.Value, Path, StringComparison.Ordinal))
            {
                // Found at the first request: the routes are complete once the app runs.
                context.SetEndpoint(endpoint ??= routes.DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>().Single(e =>
                    e.RoutePattern.RawText == Path && e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.Contains(HttpMethods.Get) == true));
            }

            return next(context);
        });
    }

    /// <summary>
    /// Authenticated before anything else, with the token of the source the path names: even which sources exist is
    /// for holders of the server's token only.
    /// </summary>
    private static Task AnswerAsync(HttpContext context, Services services, string? name)
    {
        var (sources, tokens, cache) = services;
        var source = name is null ? sources.Default : sources.Named(name);
        if (Authorize(context, source is null ? tokens.Server : tokens.For(source)) is { } refusal)
        {
            return refusal.ExecuteAsync(context);
        }

        if (source is null)
        {
            return Replies.UnknownSource(name!, sources.Names).ExecuteAsync(context);
        }

        // A cache hit, without the cache's lock, a task or a result object; the bytes were rendered once for these credentials.
        return cache.TryGetFresh(source, out var fresh)
            ? Replies.WriteAsync(context, StatusCodes.Status200OK, CredentialJson.Container(fresh))
            : WriteAsync(Replies.FromCacheAsync(cache, source, Answer, context.RequestAborted), context);
    }

    private static IResult Answer(CachedCredentials cached) => Replies.Ok(CredentialJson.Container(cached));

    private static async Task WriteAsync(Task<IResult> answer, HttpContext context) => await (await answer).ExecuteAsync(context);

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
