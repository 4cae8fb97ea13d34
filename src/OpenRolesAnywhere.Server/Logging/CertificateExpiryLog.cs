using Microsoft.Extensions.Logging;

namespace OpenRolesAnywhere.Server.Logging;

/// <summary>
/// Says when each source's certificate expires, so it does not expire silently: once when a fetch shows a
/// certificate (first, or renewed), then a warning at 30, 7 and 1 days before its end and an error at it. Each
/// threshold is logged once per certificate (the tightest one reached, at once, when a certificate is first seen
/// late), on a <see cref="TimeProvider"/> timer: requests add nothing, a refresh compares one date. Told by
/// <see cref="CredentialCacheLog"/> of each fetch.
/// </summary>
internal sealed class CertificateExpiryLog(TimeProvider time, ILogger<CertificateExpiryLog> logger) : IDisposable
{
    private static readonly TimeSpan[] Thresholds = [TimeSpan.FromDays(30), TimeSpan.FromDays(7), TimeSpan.FromDays(1), TimeSpan.Zero];

    // System timers take at most about 49 days; a longer wait is taken in steps, each checking again.
    private static readonly TimeSpan LongestWait = TimeSpan.FromDays(7);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Watch> _watches = new(StringComparer.Ordinal);
    private bool _disposed;

    /// <summary>A fetch for <paramref name="source"/> succeeded with a certificate that ends at <paramref name="notAfter"/>.</summary>
    public void Fetched(string source, DateTimeOffset notAfter)
    {

        lock (_gate)
        {
            if (_disposed || (_watches.TryGetValue(source, out var known) && known.NotAfter == notAfter))
            {
                return;
            }

            known?.Timer?.Dispose();
            var watch = new Watch(source, notAfter);
            _watches[source] = watch;
            Log.CertificateExpiry(logger, source, notAfter, (notAfter - time.GetUtcNow()).TotalDays);
            Check(watch);
        }
    }

    /// <summary>Called under the lock: logs the tightest threshold reached and not yet logged, and waits for the next.</summary>
    private void Check(Watch watch)
    {
        var left = watch.NotAfter - time.GetUtcNow();
        var reached = Array.FindLastIndex(Thresholds, threshold => left <= threshold);
        if (reached > watch.Logged)
        {
            watch.Logged = reached;
            if (Thresholds[reached] == TimeSpan.Zero)
            {
                Log.CertificateExpired(logger, watch.Source, watch.NotAfter);
            }
            else
            {
                Log.CertificateExpiresSoon(logger, watch.Source, watch.NotAfter, left.TotalDays);
            }
        }

        watch.Timer?.Dispose();
        watch.Timer = null;
        if (watch.Logged + 1 < Thresholds.Length)
        {
            var wait = left - Thresholds[watch.Logged + 1];
            watch.Timer = time.CreateTimer(static state =>
            {
                var (log, watch) = ((CertificateExpiryLog, Watch))state!;
                log.OnTimer(watch);
            }, (this, watch), wait < LongestWait ? wait : LongestWait, Timeout.InfiniteTimeSpan);
        }
    }

    private void OnTimer(Watch watch)
    {
        lock (_gate)
        {
            // A renewed certificate has replaced this watch: its timer is disposed, but may have fired already.
            if (!_disposed && _watches.GetValueOrDefault(watch.Source) == watch)
            {
                Check(watch);
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            foreach (var watch in _watches.Values)
            {
                watch.Timer?.Dispose();
            }
        }
    }

    private sealed class Watch(string source, DateTimeOffset notAfter)
    {
        public string Source { get; } = source;

        public DateTimeOffset NotAfter { get; } = notAfter;

        /// <summary>The index of the last threshold logged; -1 for none.</summary>
        public int Logged { get; set; } = -1;

        public ITimer? Timer { get; set; }
    }
}
