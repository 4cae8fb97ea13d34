using Microsoft.Extensions.Hosting;
using OpenRolesAnywhere.Core.Credentials;
using OpenRolesAnywhere.Server.Configuration;

namespace OpenRolesAnywhere.Server.Hosting;

/// <summary>
/// Watches the sources' certificate files. Sources read the certificate on every fetch anyway; when a
/// file changes while its source is failing (an expired certificate just renewed), the back-off is cut
/// short so the renewed certificate is used at once, without a restart.
/// </summary>
internal sealed class CertificateWatcher(CredentialSources sources, CredentialCache cache) : IHostedService, IDisposable
{
    private readonly List<FileSystemWatcher> _watchers = [];

    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var (directory, files) in sources.Certificates.GroupBy(c => Path.GetDirectoryName(c.Path)!).Select(g => (g.Key, g.ToList())))
        {
            if (!Directory.Exists(directory))
            {
                continue;
            }

            var watcher = new FileSystemWatcher(directory) { NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size };
            void Changed(string path)
            {
                foreach (var (source, _) in files.Where(f => f.Path == path))
                {
                    cache.RetryNow(source);
                }
            }

            watcher.Changed += (_, e) => Changed(e.FullPath);
            watcher.Created += (_, e) => Changed(e.FullPath);
            watcher.Renamed += (_, e) => Changed(e.FullPath);
            watcher.EnableRaisingEvents = true;
            _watchers.Add(watcher);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
        foreach (var watcher in _watchers)
        {
            watcher.Dispose();
        }
    }
}
