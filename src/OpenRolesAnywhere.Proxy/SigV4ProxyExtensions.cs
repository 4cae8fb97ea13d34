using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.Server.Configuration;

namespace OpenRolesAnywhere.Proxy;

/// <summary>The proxy's wiring: services, and one catch-all endpoint that hands every path to the proxy's routes.</summary>
public static class SigV4ProxyExtensions
{
    /// <summary>YARP's forwarder, the proxy's routes and its counter; the host provides <see cref="ServedCredentials"/>, a <see cref="TimeProvider"/> and a Prometheus metric factory.</summary>
    /// <param name="options">The flags' one route at <c>/</c>; null: the config file's <c>ProxyRoutes</c>.</param>
    public static IServiceCollection AddSigV4Proxy(this IServiceCollection services, SigV4ProxyOptions? options)
    {
        services.AddHttpForwarder();
        services.AddSingleton(new SigV4ProxyRouter.FlagRoute(options));
        services.AddSingleton<ProxyMetrics>();
        services.AddSingleton<SigV4ProxyRouter>();
        services.AddHostedService<SourceCheck>();
        return services;
    }

    public static IEndpointConventionBuilder MapSigV4Proxy(this IEndpointRouteBuilder routes)
    {
        // Resolved per request, not here: the routes come from the configuration, which is validated when the server starts.
        return routes.Map("/{**path}", context => context.RequestServices.GetRequiredService<SigV4ProxyRouter>().ForwardAsync(context));
    }

    /// <summary>No route, or a route naming a source that is not served, fails the start, not every request.</summary>
    private sealed class SourceCheck(IServiceProvider services, ServedCredentials credentials) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            foreach (var route in services.GetRequiredService<SigV4ProxyRouter>().Routes)
            {
                if (credentials.Problem(route.Source) is { } problem)
                {
                    throw new CredentialException(CredentialErrorKind.InvalidInput, $"The proxy's source '{route.Source}' {problem}");
                }
            }

            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
