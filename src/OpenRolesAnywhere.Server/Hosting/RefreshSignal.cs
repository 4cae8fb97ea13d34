using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenRolesAnywhere.Core.Credentials;
using OpenRolesAnywhere.Server.Configuration;
using OpenRolesAnywhere.Server.Logging;

namespace OpenRolesAnywhere.Server.Hosting;

/// <summary>
/// <c>SIGHUP</c> (<c>systemctl reload</c>, <c>kill -HUP</c>): every source fetches now, ending any back-off, so a fix a
/// person has just made (an unlocked agent, an inserted token, a renewed certificate) shows at once. Without this
/// registration the signal would end the process.
/// </summary>
internal sealed class RefreshSignal(CredentialSources sources, CredentialCache cache, ILogger<RefreshSignal> logger) : IHostedService, IDisposable
{
    private PosixSignalRegistration? _registration;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // On Windows SIGHUP stands for closing the console window, which must still end the process.
        if (!OperatingSystem.IsWindows())
        {
            _registration = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
            {
                context.Cancel = true;
                Log.RefreshingOnSignal(logger, sources.All.Count);
                foreach (var source in sources.All)
                {
                    cache.RefreshNow(source);
                }
            });
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _registration?.Dispose();
        _registration = null;
    }
}
