using Microsoft.Extensions.Hosting;
using OpenRolesAnywhere.Core.Credentials;
using OpenRolesAnywhere.Server.Configuration;

namespace OpenRolesAnywhere.Server.Hosting;

/// <summary>
/// Watches the sources' certificate files, so a renewed certificate is used (and its end shown by /healthz, the
/// metrics and the expiry log) without a restart. A failing source (an expired certificate just renewed) has its
/// back-off cut short at once; a healthy one fetches once the file has been quiet for <see cref="QuietPeriod"/>, so a
/// file written in several steps is neither read half written nor costs a CreateSession per step.
/// </summary>
internal sealed class CertificateWatcher(CredentialSources sources, CredentialCache cache, TimeProvider time) : IHostedService, IDisposable
{
    public static readonly TimeSpan QuietPeriod = TimeSpan.FromSeconds(1);

    private readonly List<FileSystemWatcher> _watchers = [];
    private readonly Dictionary<ICredentialSource, ITimer> _pending = [];

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
                    CertificateChanged(source);
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

    private void CertificateChanged(ICredentialSource source)
    {
        cache.RetryNow(source);
        lock (_pending)
        {
            // Each change pushes the fetch back: it comes one quiet period after the last write.
            if (_pending.TryGetValue(source, out var timer))
            {
                timer.Change(QuietPeriod, Timeout.InfiniteTimeSpan);
                return;
            }

            _pending[source] = time.CreateTimer(_ => QuietFor(source), null, QuietPeriod, Timeout.InfiniteTimeSpan);
        }
    }

    private void QuietFor(ICredentialSource source)
    {
        lock (_pending)
        {
            if (_pending.Remove(source, out var timer))
            {
                timer.Dispose();
            }
        }

        cache.RefreshNow(source);
    }

    public void Dispose()
    {
        foreach (var watcher in _watchers)
        {
            watcher.Dispose();
        }

        lock (_pending)
        {
            foreach (var timer in _pending.Values)
            {
                timer.Dispose();
            }

            _pending.Clear();
        }
    }
}
