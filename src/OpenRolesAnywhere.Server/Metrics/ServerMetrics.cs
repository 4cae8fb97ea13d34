using System.Collections.Concurrent;
using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.Core.Credentials;
using Prometheus;

namespace OpenRolesAnywhere.Server.Metrics;

/// <summary>
/// The server's Prometheus metrics in a registry of its own (several servers can live in one test
/// process), fed by the cache. Labels are source names and error kinds: nothing secret. It only counts:
/// the cache's log lines come from <see cref="Logging.CredentialCacheLog"/>.
/// </summary>
internal sealed class ServerMetrics : ICredentialCacheObserver
{
    private readonly Counter _hits;
    // Hits come with every cache-hit request: their children are kept rather than looked up by label values each time.
    private readonly ConcurrentDictionary<string, Counter.Child> _hitsBySource = new(StringComparer.Ordinal);
    private readonly Counter _misses;
    private readonly Counter _calls;
    private readonly Counter _failures;
    private readonly Histogram _fetchSeconds;
    private readonly Gauge _expirySeconds;
    private readonly Gauge _certificateExpirySeconds;

    public ServerMetrics()
    {
        Registry = Prometheus.Metrics.NewCustomRegistry();
        Factory = Prometheus.Metrics.WithCustomRegistry(Registry);
        _hits = Factory.CreateCounter("openrolesanywhere_cache_hits_total", "Requests answered from the credential cache without waiting.", ["source"]);
        _misses = Factory.CreateCounter("openrolesanywhere_cache_misses_total", "Requests that waited for a fetch or found nothing valid.", ["source"]);
        _calls = Factory.CreateCounter("openrolesanywhere_create_session_calls_total", "CreateSession fetches (each with its own retries).", ["source"]);
        _failures = Factory.CreateCounter("openrolesanywhere_create_session_failures_total", "Failed CreateSession fetches by reason.", ["source", "reason"]);
        _fetchSeconds = Factory.CreateHistogram("openrolesanywhere_create_session_duration_seconds", "Time to fetch credentials.",
            new HistogramConfiguration { LabelNames = ["source"], Buckets = Histogram.ExponentialBuckets(0.01, 2, 12) });
        _expirySeconds = Factory.CreateGauge("openrolesanywhere_credentials_expiry_seconds", "Seconds until the cached credentials expire (negative: none valid).", ["source"]);
        _certificateExpirySeconds = Factory.CreateGauge("openrolesanywhere_certificate_expiry_seconds",
            "Seconds until the source's certificate expires, as of its last good fetch (absent before one).", ["source"]);
    }

    public CollectorRegistry Registry { get; }

    public IMetricFactory Factory { get; }

    /// <summary>Sets the expiry gauges just before each scrape (from what the cache holds: no file is read).</summary>
    public void ObserveExpiry(Func<IEnumerable<CredentialCacheStatus>> statuses, TimeProvider time) =>
        Registry.AddBeforeCollectCallback(() =>
        {
            var now = time.GetUtcNow();
            foreach (var status in statuses())
            {
                _expirySeconds.WithLabels(status.Name).Set(status.Expiration is { } expiration ? (expiration - now).TotalSeconds : -1);
                if (status.CertificateExpiration is { } notAfter)
                {
                    _certificateExpirySeconds.WithLabels(status.Name).Set((notAfter - now).TotalSeconds);
                }
            }
        });

    public void Hit(string source) => _hitsBySource.GetOrAdd(source, static (source, hits) => hits.WithLabels(source), _hits).Inc();

    public void Miss(string source) => _misses.WithLabels(source).Inc();

    public void Fetched(string source, CachedCredentials credentials, TimeSpan elapsed)
    {
        _calls.WithLabels(source).Inc();
        _fetchSeconds.WithLabels(source).Observe(elapsed.TotalSeconds);
    }

    public void FetchFailed(string source, CredentialException failure, TimeSpan elapsed, TimeSpan retryIn)
    {
        _calls.WithLabels(source).Inc();
        _failures.WithLabels(source, failure.Kind.ToString()).Inc();
        _fetchSeconds.WithLabels(source).Observe(elapsed.TotalSeconds);
    }
}
