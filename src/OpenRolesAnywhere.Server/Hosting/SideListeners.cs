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
/// route, such as the signing proxy's, takes every path on its own socket and none elsewhere, and a wrong method
/// on one of its paths is a 405 whatever the other listeners take); what it does not serve is answered in its style.
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

    /// <summary>
    /// Answers in the side listener's own style what routing found nothing for on its connection; only used when side
    /// listeners exist. Credential connections need nothing here: routing never offers them a side route.
    /// </summary>
    public static IApplicationBuilder UseSideListenerSplit(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var endpoint = context.GetEndpoint();
        if (Owner(context) is not { } owner || endpoint?.Metadata.GetMetadata<SideRoute>()?.Listener == owner)
        {
            return next(context);
        }

        return endpoint is null ? owner.RefuseAsync(context, StatusCodes.Status404NotFound, "NotFound", $"This listener serves only the {owner.PathPrefix} routes.")
            : RefuseMethodAsync(context, endpoint, owner);
    });

    /// <summary>
    /// The only endpoint routing picks on a side connection that is not one of its routes: the 405 routing makes
    /// when the path is the listener's but the method is not. Its Allow header, then the listener's own error style.
    /// </summary>
    private static async Task RefuseMethodAsync(HttpContext context, Endpoint methodNotAllowed, ISideListener owner)
    {
        await methodNotAllowed.RequestDelegate!(context);
        await owner.RefuseAsync(context, StatusCodes.Status405MethodNotAllowed, "MethodNotAllowed",
            $"{context.Request.Method} is not allowed on this path: it takes {context.Response.Headers.Allow}.");
    }

    private sealed record SideConnection(ISideListener Listener);

    private sealed record SideRoute(ISideListener Listener);

    /// <summary>
    /// Routing's side of the split: every node of the route tree is first split by the listener the connection came
    /// in on, before the HTTP method (so a catch-all side route, which takes every method, never hides another
    /// listener's 405); a connection sees only its own listener's routes (credential routes on credential connections).
    /// </summary>
    internal sealed class MatcherPolicy : Microsoft.AspNetCore.Routing.MatcherPolicy, INodeBuilderPolicy
    {
        private static readonly object CredentialListener = new();

        // Before HttpMethodMatcherPolicy (-1000), whose 405 must come from one listener's routes only.
        public override int Order => -2000;

        // Registered only when side listeners exist; then every node is split, even one holding credential routes alone.
        public bool AppliesToEndpoints(IReadOnlyList<Endpoint> endpoints) => true;

        public IReadOnlyList<PolicyNodeEdge> GetEdges(IReadOnlyList<Endpoint> endpoints) =>
            [.. endpoints.GroupBy(e => (object?)e.Metadata.GetMetadata<SideRoute>()?.Listener ?? CredentialListener).Select(g => new PolicyNodeEdge(g.Key, [.. g]))];

        public PolicyJumpTable BuildJumpTable(int exitDestination, IReadOnlyList<PolicyJumpTableEdge> edges) => new ListenerJumpTable(exitDestination, edges);

        private sealed class ListenerJumpTable(int exitDestination, IReadOnlyList<PolicyJumpTableEdge> edges) : PolicyJumpTable
        {
            public override int GetDestination(HttpContext httpContext)
            {
                var listener = (object?)Owner(httpContext) ?? CredentialListener;
                foreach (var edge in edges)
                {
                    if (edge.State == listener)
                    {
                        return edge.Destination;
                    }
                }

                return exitDestination;
            }
        }
    }
}
