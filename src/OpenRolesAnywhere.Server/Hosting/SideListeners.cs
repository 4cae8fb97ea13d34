using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Matching;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using OpenRolesAnywhere.Core;

namespace OpenRolesAnywhere.Server.Hosting;

/// <summary>
/// Keeps each <see cref="ISideListener"/> apart from the credential listeners and from the others: its
/// connections are marked when Kestrel accepts them (the socket they came in on, not a Host header a client
/// chooses); routing chooses on each connection only among that listener's routes (so a catch-all side
/// route, such as the signing proxy's, takes every path on its own socket and none elsewhere), and after
/// routing its routes on any other connection, or any other route on its connection, are not found.
/// </summary>
internal static class SideListeners
{
    /// <summary>Endpoint metadata of <paramref name="listener"/>'s routes.</summary>
    public static object RouteMarker(ISideListener listener) => new SideRoute(listener);

    /// <exception cref="CredentialException">The side listener asks for https, which only credential listeners serve.</exception>
    public static void Listen(KestrelServerOptions kestrel, ISideListener listener) => Listeners.Listen(kestrel, listener.Address.IsHttps
        ? throw new CredentialException(CredentialErrorKind.InvalidInput, $"'{listener.Address.Url}': only the credential listeners (--listen) serve https; give this listener an http address on loopback.")
        : listener.Address, listen => listen.Use(next => connection =>
    {
        connection.Features.Set(new SideConnection(listener));
        return next(connection);
    }));

    /// <summary>The side listener the request came in on (Kestrel exposes connection features on the request); null: a credential listener.</summary>
    public static ISideListener? Owner(HttpContext context) => context.Features.Get<SideConnection>()?.Listener;

    /// <summary>Separates the listeners after routing; only used when side listeners exist.</summary>
    public static IApplicationBuilder UseSideListenerSplit(this IApplicationBuilder app, IReadOnlyList<ISideListener> listeners) => app.Use((context, next) =>
    {
        var route = context.GetEndpoint()?.Metadata.GetMetadata<SideRoute>();
        if (Owner(context) is { } owner)
        {
            return route?.Listener == owner ? next(context)
                : owner.RefuseAsync(context, StatusCodes.Status404NotFound, "NotFound", $"This listener serves only the {owner.PathPrefix} routes.");
        }

        // As if the routes did not exist: the credential listeners know nothing of them (not even a 405 for
        // a method a side path does not take, which routing matches to an endpoint without metadata).
        if (route is not null || listeners.Any(l => l.PathPrefix is { } prefix && context.Request.Path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase)))
        {
            context.SetEndpoint(null);
        }

        return next(context);
    });

    private sealed record SideConnection(ISideListener Listener);

    private sealed record SideRoute(ISideListener Listener);

    /// <summary>Routing's side of the split: a candidate route counts only on the connection of its own listener (credential routes on credential connections).</summary>
    internal sealed class MatcherPolicy : Microsoft.AspNetCore.Routing.MatcherPolicy, IEndpointSelectorPolicy
    {
        public override int Order => 0;

        public bool AppliesToEndpoints(IReadOnlyList<Endpoint> endpoints) => endpoints.Any(e => e.Metadata.GetMetadata<SideRoute>() is not null);

        public Task ApplyAsync(HttpContext httpContext, CandidateSet candidates)
        {
            var owner = Owner(httpContext);
            for (var i = 0; i < candidates.Count; i++)
            {
                if (candidates.IsValidCandidate(i) && candidates[i].Endpoint.Metadata.GetMetadata<SideRoute>()?.Listener != owner)
                {
                    candidates.SetValidity(i, false);
                }
            }

            return Task.CompletedTask;
        }
    }
}
