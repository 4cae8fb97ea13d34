using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.Server.Admin;

namespace OpenRolesAnywhere.Server.Hosting;

/// <summary>
/// The admin listener kept apart from the credential listeners: its connections are marked when Kestrel
/// accepts them (the socket they came in on, not a Host header a client chooses), and after routing an
/// admin route on any other connection, or any other route on an admin connection, is not found.
/// </summary>
internal static class AdminListener
{
    /// <summary>Endpoint metadata of the admin routes.</summary>
    public static readonly object RouteMarker = new AdminRoute();

    /// <summary>Checks <c>--admin-listen</c> against the other flags; null when there is no admin listener.</summary>
    public static ListenAddress? Parse(ServeOptions options, IReadOnlyList<ListenAddress> credentialAddresses)
    {
        if (options.AdminListen is null)
        {
            return options.Admin is null ? null
                : throw new CredentialException(CredentialErrorKind.InvalidInput, "--admin-token-file is only used with --admin-listen: give both, or neither.");
        }

        if (options.Admin is null)
        {
            throw new CredentialException(CredentialErrorKind.InvalidInput,
                "--admin-listen needs --admin-token-file, a file (0600) holding the bearer token admin requests must send.");
        }

        var address = ListenAddress.Parse(options.AdminListen, "--admin-listen");
        if (!options.AllowRemote && !address.IsLoopback)
        {
            throw new CredentialException(CredentialErrorKind.InvalidInput,
                $"--admin-listen '{address.Url}' is reachable from other machines. Add --allow-remote if that is meant (put a TLS proxy in front: the admin token travels in every request).");
        }

        if (address.Port != 0 && credentialAddresses.Any(a => a.Port == address.Port))
        {
            throw new CredentialException(CredentialErrorKind.InvalidInput,
                $"--admin-listen '{address.Url}' uses the port of a --listen address: give the admin listener a port of its own.");
        }

        return address;
    }

    /// <summary>Listens on <paramref name="address"/> and marks every connection accepted there.</summary>
    public static void Listen(KestrelServerOptions kestrel, ListenAddress address)
    {
        if (address.IsLocalhost)
        {
            kestrel.ListenLocalhost(address.Port, Mark);
        }
        else if (address.IsAny)
        {
            kestrel.ListenAnyIP(address.Port, Mark);
        }
        else
        {
            kestrel.Listen(address.Address!, address.Port, Mark);
        }
    }

    /// <summary>Whether the request came in on the admin listener (Kestrel exposes connection features on the request).</summary>
    public static bool IsAdminConnection(HttpContext context) => context.Features.Get<AdminConnection>() is not null;

    /// <summary>Separates the listeners after routing; only used when an admin listener exists.</summary>
    public static IApplicationBuilder UseAdminListenerSplit(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var adminRoute = context.GetEndpoint()?.Metadata.GetMetadata<AdminRoute>() is not null;
        if (IsAdminConnection(context))
        {
            return adminRoute ? next(context)
                : AdminProblems.Problem(StatusCodes.Status404NotFound, "NotFound", "The admin listener serves only the /admin routes.").ExecuteAsync(context);
        }

        // As if the routes did not exist: the credential listeners know nothing of admin (not even a 405
        // for a method an admin path does not take, which routing matches to an endpoint without metadata).
        if (adminRoute || context.Request.Path.StartsWithSegments(AdminEndpoints.RoutePrefix, StringComparison.OrdinalIgnoreCase))
        {
            context.SetEndpoint(null);
        }

        return next(context);
    });

    private static void Mark(ListenOptions listen) => listen.Use(next => connection =>
    {
        connection.Features.Set(AdminConnection.Instance);
        return next(connection);
    });

    private sealed class AdminConnection
    {
        public static readonly AdminConnection Instance = new();
    }

    private sealed class AdminRoute;
}
