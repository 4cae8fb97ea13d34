using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;
using OpenRolesAnywhere.Core.Credentials;
using OpenRolesAnywhere.Server.Configuration;
using OpenRolesAnywhere.Server.Logging;
using OpenRolesAnywhere.Server.Security;

namespace OpenRolesAnywhere.Server.Hosting;

/// <summary>
/// Start and stop: builds the sources (so a bad certificate fails the start, not the first request),
/// opens every token file (a bad one stops the start, not the first request), warms the cache, logs where clients find the server, and tells systemd
/// (<c>sd_notify</c> READY=1 / STOPPING=1 when <c>NOTIFY_SOCKET</c> is set).
/// </summary>
internal sealed class ServerLifecycle(
    ServeOptions options,
    CredentialSources sources,
    CredentialCache cache,
    IServiceProvider services,
    IServer server,
    IHostApplicationLifetime lifetime,
    ILogger<ServerLifecycle> logger) : IHostedService
{
    private readonly SystemdNotifier _systemd = new();
    private SourceTokens? _tokens;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Every token file read or made at start, so a bad one fails the start; `proxy` runs no credential listener and needs none.
        _tokens = options.Listen.Count > 0 ? services.GetRequiredService<SourceTokens>() : null;
        foreach (var source in sources.All)
        {
            Log.Serving(logger, source.Name, ReferenceEquals(source, sources.Default) ? " (default)" : "");
            cache.Prefetch(source);
        }

        lifetime.ApplicationStarted.Register(OnStarted);
        lifetime.ApplicationStopping.Register(() => Notify(ServiceState.Stopping));
        lifetime.ApplicationStopped.Register(OnStopped);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void OnStarted()
    {
        if (Listeners.SystemdSocketCount() is > 0 and var passed)
        {
            Log.SocketActivated(logger, passed);
        }

        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        foreach (var address in addresses)
        {
            Log.Listening(logger, address);
        }

        if (_tokens is not null && ClientBaseUrl(addresses) is { } baseUrl)
        {
            foreach (var line in ServerEnvironment.Lines(ServerEnvironment.Variables(baseUrl, _tokens.Server.Path), export: false))
            {
                Log.EnvironmentLine(logger, line);
            }
        }

        Notify(ServiceState.Ready);
    }

    private void OnStopped()
    {
        if (options.UnixSocket is { } socket && File.Exists(socket))
        {
            File.Delete(socket);
        }
    }

    private void Notify(ServiceState state)
    {
        if (_systemd.IsEnabled)
        {
            _systemd.Notify(state);
        }
    }

    /// <summary>The first TCP address, as a client on this machine reaches it (a wildcard on 127.0.0.1).</summary>
    public static string? ClientBaseUrl(IEnumerable<string> addresses)
    {
        foreach (var address in addresses)
        {
            if (address.StartsWith("http://", StringComparison.Ordinal) && !address.StartsWith("http://unix:", StringComparison.Ordinal))
            {
                return ServerEnvironment.ClientBaseUrl(address);
            }
        }

        return null;
    }
}
