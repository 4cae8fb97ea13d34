using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using OpenRolesAnywhere.Core;

namespace OpenRolesAnywhere.Server.Hosting;

/// <summary>
/// Keeps an <see cref="ISideListener"/> apart from the credential listeners: its connections are marked when
/// Kestrel accepts them (the socket they came in on, not a Host header a client chooses), and after routing
/// its routes on any other connection, or any other route on its connection, are not found.
/// </summary>
internal static class SideListeners
{
    /// <summary>Endpoint metadata of the side listener's routes.</summary>
    public static readonly object RouteMarker = new SideRoute();

    /// <exception cref="CredentialException">The side listener asks for https, which only credential listeners serve.</exception>
    public static void Listen(KestrelServerOptions kestrel, ISideListener listener) =>
        Listeners.Listen(kestrel, listener.Address.IsHttps
            ? throw new CredentialException(CredentialErrorKind.InvalidInput, $"'{listener.Address.Url}': only the credential listeners (--listen) serve https; give this listener an http address on loopback.")
            : listener.Address, Mark);

    /// <summary>Whether the request came in on the side listener (Kestrel exposes connection features on the request).</summary>
    public static bool Owns(HttpContext context) => context.Features.Get<SideConnection>() is not null;

    /// <summary>Separates the listeners after routing; only used when a side listener exists.</summary>
    public static IApplicationBuilder UseSideListenerSplit(this IApplicationBuilder app, ISideListener listener) => app.Use((context, next) =>
    {
        var sideRoute = context.GetEndpoint()?.Metadata.GetMetadata<SideRoute>() is not null;
        if (Owns(context))
        {
            return sideRoute ? next(context)
                : listener.RefuseAsync(context, StatusCodes.Status404NotFound, "NotFound", $"This listener serves only the {listener.PathPrefix} routes.");
        }

        // As if the routes did not exist: the credential listeners know nothing of them (not even a 405 for
        // a method a side path does not take, which routing matches to an endpoint without metadata).
        if (sideRoute || context.Request.Path.StartsWithSegments(listener.PathPrefix, StringComparison.OrdinalIgnoreCase))
        {
            context.SetEndpoint(null);
        }

        return next(context);
    });

    private static void Mark(ListenOptions listen) => listen.Use(next => connection =>
    {
        connection.Features.Set(SideConnection.Instance);
        return next(connection);
    });

    private sealed class SideConnection
    {
        public static readonly SideConnection Instance = new();
    }

    private sealed class SideRoute;
}
