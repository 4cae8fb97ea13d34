using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.Server.Configuration;

namespace OpenRolesAnywhere.Proxy;

/// <summary>The proxy's wiring: services, and one catch-all route that forwards every path.</summary>
public static class SigV4ProxyExtensions
{
    /// <summary>YARP's forwarder, the proxy and its counter; the host provides <see cref="ServedCredentials"/>, a <see cref="TimeProvider"/> and a Prometheus metric factory.</summary>
    public static IServiceCollection AddSigV4Proxy(this IServiceCollection services, SigV4ProxyOptions options)
    {
        services.AddHttpForwarder();
        services.AddSingleton(options);
        services.AddSingleton<ProxyMetrics>();
        services.AddSingleton<SigV4Proxy>();
        services.AddHostedService<SourceCheck>();
        return services;
    }

    public static IEndpointConventionBuilder MapSigV4Proxy(this IEndpointRouteBuilder routes)
    {
        var proxy = routes.ServiceProvider.GetRequiredService<SigV4Proxy>();
        return routes.Map("/{**path}", proxy.ForwardAsync);
    }

    /// <summary>A proxy naming a source that is not served fails the start, not every request.</summary>
    private sealed class SourceCheck(SigV4ProxyOptions options, ServedCredentials credentials) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) =>
            credentials.Problem(options.Source) is { } problem
                ? throw new CredentialException(CredentialErrorKind.InvalidInput, $"The proxy's source '{options.Source}' {problem}")
                : Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
