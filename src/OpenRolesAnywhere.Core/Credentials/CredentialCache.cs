using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace OpenRolesAnywhere.Core.Credentials;

/// <summary>
/// Shares credentials among all callers: one entry per <see cref="ICredentialSource.CacheKey"/>, refreshed
/// ahead of expiry in the background, never more than one fetch in flight per entry.
/// </summary>
/// <remarks>
/// The policy (numbers in <see cref="CredentialCachePolicy.Default"/>):
/// <list type="bullet">
/// <item>Credentials with at least <c>MinimumRemaining</c> (5 min, at most a quarter of the lifetime, so short
/// sessions neither refetch on every request nor make callers wait while they are valid) left are answered
/// from memory, also while a refresh runs.</item>
/// <item>At <c>RefreshAhead</c> (30 min, at most half the lifetime) before expiry a timer refreshes the
/// entry in the background; a request finding the entry due also starts it (timers can fire late after
/// a suspend). Clients that return with 15 min left are thus answered from memory.</item>
/// <item>Cold entries, and entries under 5 min, make callers wait for the one shared fetch.</item>
/// <item>A failed fetch keeps the last good credentials, served until <c>ExpiryMargin</c> (30 s) before
/// they expire, and schedules a retry with exponential back-off and jitter (1 s doubling to 2 min;
/// 10 s first when throttled or when a person must act). Until the retry is due, callers get the last
/// good credentials if any, else the last failure at once: a crowd of clients cannot hammer CreateSession.
/// After a failure a person must fix (a locked agent, a missing key, a refused certificate), a request finding
/// nothing valid retries at once if the last attempt ended <c>PromptRetryInterval</c> (5 s) ago or more, so a
/// fix shows at the next request; throttling and outages wait for the back-off.</item>
/// <item>Nothing expired is ever handed out; with nothing valid callers get a <see cref="CredentialException"/>
/// saying why (kind and message of the last failure).</item>
/// </list>
/// </remarks>
public sealed class CredentialCache : IDisposable
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly CredentialCachePolicy _policy;
    private readonly ICredentialCacheObserver? _observer;
    private readonly Random _random;
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationToken _stoppingToken;

    public CredentialCache(TimeProvider time, CredentialCachePolicy? policy = null, ICredentialCacheObserver? observer = null, Random? random = null)
    {
        _time = time;
        _policy = policy ?? CredentialCachePolicy.Default;
        _observer = observer;
        _random = random ?? Random.Shared;
        _stoppingToken = _stopping.Token;
    }

    /// <summary>Valid credentials for <paramref name="source"/>, from memory when possible.</summary>
    /// <exception cref="CredentialException">Nothing valid is held and the source cannot give any now.</exception>
    public async Task<CachedCredentials> GetAsync(ICredentialSource source, CancellationToken cancellationToken)
    {
        if (TryGetFresh(source, out var fresh))
        {
            return fresh;
        }

        var entry = EntryFor(source);
        var (answer, pending, fallback, failure) = Decide(entry);
        if (answer is not null)
        {
            _observer?.Hit(entry.Name);
            return answer;
        }

        _observer?.Miss(entry.Name);
        if (failure is not null)
        {
            throw failure;
        }

        try
        {
            return await pending!.WaitAsync(cancellationToken);
        }
        catch (CredentialException) when (fallback is not null && IsValid(fallback, _time.GetUtcNow()))
        {
            return fallback;
        }
    }

    /// <summary>
    /// The common case, without the lock or a task: credentials neither due for a refresh nor under the hand-out floor,
    /// which <see cref="Decide"/> would answer as they are. False: ask <see cref="GetAsync"/>.
    /// </summary>
    public bool TryGetFresh(ICredentialSource source, [NotNullWhen(true)] out CachedCredentials? credentials)
    {
        ObjectDisposedException.ThrowIf(_stoppingToken.IsCancellationRequested, this);
        var entry = EntryFor(source);
        if (Volatile.Read(ref entry.Fresh) is { } fresh && _time.GetUtcNow() < fresh.Until)
        {
            _observer?.Hit(entry.Name);
            credentials = fresh.Credentials;
            return true;
        }

        credentials = null;
        return false;
    }

    /// <summary>
    /// Under the entry's lock: an answer from memory, or the fetch to wait for (with the credentials to fall back
    /// on), or, while backing off with nothing valid, the failure to give. The observer is told afterwards, outside the lock.
    /// </summary>
    private (CachedCredentials? Answer, Task<CachedCredentials>? Pending, CachedCredentials? Fallback, CredentialException? Failure) Decide(Entry entry)
    {
        lock (entry.Gate)
        {
            var now = _time.GetUtcNow();
            var current = entry.Current;
            if (current is not null && current.Expiration - now >= _policy.MinimumRemainingFor(current.Expiration - current.ObtainedAt))
            {
                if (now >= RefreshAt(current) && entry.InFlight is null && now >= entry.NextAttempt)
                {
                    Observe(StartFetch(entry));
                }

                return (current, null, null, null);
            }

            var fallback = current is not null && IsValid(current, now) ? current : null;
            if (entry.InFlight is { } inFlight)
            {
                return (null, inFlight, fallback, null);
            }

            if (now < entry.NextAttempt)
            {
                // Backing off: the last good credentials are the answer; with none, a failure a person may have
                // fixed meanwhile is retried now (once per interval), any other is given as it is.
                if (fallback is not null)
                {
                    return (fallback, null, null, null);
                }

                if (!PromptRetryDue(entry, now))
                {
                    return (null, null, null, Unavailable(entry.LastError!));
                }
            }

            return (null, StartFetch(entry), fallback, null);
        }
    }

    /// <summary>Starts fetching in the background unless the entry is fresh or a fetch runs (the server warms its sources at start).</summary>
    public void Prefetch(ICredentialSource source)
    {
        var entry = EntryFor(source);
        lock (entry.Gate)
        {
            if (entry.Current is null && entry.InFlight is null && !_stoppingToken.IsCancellationRequested)
            {
                Observe(StartFetch(entry));
            }
        }
    }

    /// <summary>
    /// Ends the back-off after a failure and fetches now: something the failure depended on changed (a
    /// renewed certificate). Does nothing while the entry is healthy or a fetch runs.
    /// </summary>
    public void RetryNow(ICredentialSource source) => FetchNow(source, onlyAfterFailure: true);

    /// <summary>
    /// Fetches now whatever the entry holds, ending any back-off (a person asked: <c>SIGHUP</c>); current credentials
    /// are still answered meanwhile. Does nothing while a fetch runs.
    /// </summary>
    public void RefreshNow(ICredentialSource source) => FetchNow(source, onlyAfterFailure: false);

    private void FetchNow(ICredentialSource source, bool onlyAfterFailure)
    {
        var entry = EntryFor(source);
        lock (entry.Gate)
        {
            if ((entry.LastError is not null || !onlyAfterFailure) && entry.InFlight is null && !_stoppingToken.IsCancellationRequested)
            {
                entry.NextAttempt = DateTimeOffset.MinValue;
                Observe(StartFetch(entry));
            }
        }
    }

    /// <summary>What is held for <paramref name="source"/>; no secrets.</summary>
    public CredentialCacheStatus Status(ICredentialSource source)
    {
        var entry = EntryFor(source);
        lock (entry.Gate)
        {
            var current = entry.Current;
            return new CredentialCacheStatus(
                source.Name,
                current?.Expiration,
                current?.ObtainedAt,
                current is not null && IsValid(current, _time.GetUtcNow()),
                entry.LastError?.Kind,
                entry.LastError?.Message,
                entry.LastError is null ? null : entry.NextAttempt,
                current?.Credentials.CertificateExpiration);
        }
    }

    private Entry EntryFor(ICredentialSource source) => _entries.GetOrAdd(source.CacheKey, static (_, s) => new Entry(s), source);

    /// <summary>Called under the entry's lock, while backing off after a failure.</summary>
    private bool PromptRetryDue(Entry entry, DateTimeOffset now) =>
        CredentialCachePolicy.RetriesOnRequest(entry.LastError!) && now - entry.LastFailedAt >= _policy.PromptRetryInterval;

    private bool IsValid(CachedCredentials credentials, DateTimeOffset now) => now < credentials.Expiration - _policy.ExpiryMargin;

    /// <summary>Until then <see cref="Decide"/> answers <paramref name="credentials"/> from memory and starts no refresh.</summary>
    private DateTimeOffset FreshUntil(CachedCredentials credentials)
    {
        var floor = credentials.Expiration - _policy.MinimumRemainingFor(credentials.Expiration - credentials.ObtainedAt);
        var refresh = RefreshAt(credentials);
        return refresh < floor ? refresh : floor;
    }

    private DateTimeOffset RefreshAt(CachedCredentials credentials) =>
        credentials.Expiration - _policy.RefreshAheadFor(credentials.Expiration - credentials.ObtainedAt);

    /// <summary>Called under the entry's lock. The fetch runs on the thread pool so it never completes inside the lock.</summary>
    private Task<CachedCredentials> StartFetch(Entry entry)
    {
        var task = Task.Run(() => FetchAsync(entry), CancellationToken.None);
        entry.InFlight = task;
        return task;
    }

    private async Task<CachedCredentials> FetchAsync(Entry entry)
    {
        var started = _time.GetTimestamp();
        CredentialException failure;
        try
        {
            var credentials = await entry.Source.FetchAsync(_stoppingToken);
            var now = _time.GetUtcNow();
            var cached = new CachedCredentials(credentials, now);
            if (IsValid(cached, now))
            {
                lock (entry.Gate)
                {
                    entry.Current = cached;
                    Volatile.Write(ref entry.Fresh, new FreshCredentials(cached, FreshUntil(cached)));
                    entry.LastError = null;
                    entry.Failures = 0;
                    entry.NextAttempt = DateTimeOffset.MinValue;
                    entry.InFlight = null;
                    Schedule(entry, RefreshAt(cached));
                }

                _observer?.Fetched(entry.Name, cached, _time.GetElapsedTime(started));
                return cached;
            }

            failure = new CredentialException(CredentialErrorKind.ServiceUnavailable,
                $"The credentials fetched for '{entry.Name}' expire at {credentials.Expiration:u}, which is already past or too close: check this machine's clock.");
        }
        catch (CredentialException e)
        {
            failure = e;
        }
        catch (OperationCanceledException e) when (_stoppingToken.IsCancellationRequested)
        {
            failure = new CredentialException(CredentialErrorKind.ServiceUnavailable, "The server is shutting down.", e);
        }
        catch (Exception e)
        {
            // Unexpected failures carry only their type: their messages were not written for people and might hold anything.
            failure = new CredentialException(CredentialErrorKind.ServiceUnavailable,
                $"Fetching credentials for '{entry.Name}' failed unexpectedly ({e.GetType().Name}); see the server log.", e);
        }

        var retryIn = RecordFailure(entry, failure);
        _observer?.FetchFailed(entry.Name, failure, _time.GetElapsedTime(started), retryIn);
        throw failure;
    }

    /// <summary>Keeps the failure for callers and schedules the retry with back-off and jitter; returns when it is due.</summary>
    private TimeSpan RecordFailure(Entry entry, CredentialException failure)
    {
        lock (entry.Gate)
        {
            entry.Failures++;
            entry.LastError = failure;
            double unit;
            lock (_random)
            {
                unit = _random.NextDouble();
            }

            var retryIn = _policy.RetryDelay(entry.Failures, failure, unit);
            entry.LastFailedAt = _time.GetUtcNow();
            entry.NextAttempt = entry.LastFailedAt + retryIn;
            entry.InFlight = null;
            Schedule(entry, entry.NextAttempt);
            return retryIn;
        }
    }

    /// <summary>Called under the entry's lock.</summary>
    private void Schedule(Entry entry, DateTimeOffset at)
    {
        if (_stoppingToken.IsCancellationRequested)
        {
            return;
        }

        var due = at - _time.GetUtcNow();
        entry.Timer?.Dispose();
        entry.Timer = _time.CreateTimer(static state =>
        {
            var (cache, entry) = ((CredentialCache, Entry))state!;
            cache.OnTimer(entry);
        }, (this, entry), due > TimeSpan.Zero ? due : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
    }

    private void OnTimer(Entry entry)
    {
        lock (entry.Gate)
        {
            if (entry.InFlight is null && !_stoppingToken.IsCancellationRequested)
            {
                Observe(StartFetch(entry));
            }
        }
    }

    /// <summary>Background fetches report through the observer; their exceptions must not go unobserved.</summary>
    private static void Observe(Task task) =>
        task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);

    /// <summary>A fresh exception per caller: the stored one is shared and must not collect callers' stack traces.</summary>
    private static CredentialException Unavailable(CredentialException last) => new(last.Kind, last.Message, last);

    public void Dispose()
    {
        if (_stoppingToken.IsCancellationRequested)
        {
            return;
        }

        _stopping.Cancel();
        foreach (var entry in _entries.Values)
        {
            lock (entry.Gate)
            {
                entry.Timer?.Dispose();
                entry.Timer = null;
            }
        }

        _stopping.Dispose();
    }

    private sealed record FreshCredentials(CachedCredentials Credentials, DateTimeOffset Until);

    private sealed class Entry(ICredentialSource source)
    {
        /// <summary>Replaced (never changed) with <see cref="Current"/>, under the lock; read without it.</summary>
        public FreshCredentials? Fresh;

        public Lock Gate { get; } = new();

        public ICredentialSource Source { get; } = source;

        public string Name => Source.Name;

        public CachedCredentials? Current { get; set; }

        public Task<CachedCredentials>? InFlight { get; set; }

        public CredentialException? LastError { get; set; }

        public int Failures { get; set; }

        public DateTimeOffset NextAttempt { get; set; } = DateTimeOffset.MinValue;

        public DateTimeOffset LastFailedAt { get; set; }

        public ITimer? Timer { get; set; }
    }
}
