using Microsoft.Extensions.Time.Testing;
using OpenRolesAnywhere.Core.Credentials;
using OpenRolesAnywhere.TestCommon;
using OpenRolesAnywhere.TestCommon.Credentials;

namespace OpenRolesAnywhere.Core.Tests.Credentials;

public sealed class CredentialCacheTests : IDisposable
{
    private static readonly CredentialException Outage = new(CredentialErrorKind.ServiceUnavailable, "Roles Anywhere failed with HTTP 503; try again later.");
    private static readonly CredentialException Throttling = new(CredentialErrorKind.Throttled, "Roles Anywhere is throttling CreateSession.");

    // A first back-off of 1 to 2 min for every kind, so a fetch within it can only be a prompt retry.
    private static readonly CredentialCachePolicy LongBackOff = CredentialCachePolicy.Default with
    {
        RetryBaseDelay = TimeSpan.FromMinutes(2),
        PatientBaseDelay = TimeSpan.FromMinutes(2),
    };

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 24, 5, 0, 0, TimeSpan.Zero));
    private readonly CountingCredentialSource _source;
    private readonly CredentialCache _cache;

    public CredentialCacheTests()
    {
        _source = new CountingCredentialSource(_time);
        _cache = new CredentialCache(_time, random: new Random(7));
    }

    public void Dispose() => _cache.Dispose();

    [Fact]
    public async Task GetAsync_TwoHundredConcurrentColdRequests_ShareOneFetch()
    {
        _source.Hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var requests = Enumerable.Range(0, 200).Select(_ => Task.Run(() => _cache.GetAsync(_source, CancellationToken.None))).ToArray();
        await Eventually.TrueAsync(() => _source.Calls == 1, "the first fetch started");
        await Task.Delay(50);
        _source.Hold.SetResult();

        var answers = await Task.WhenAll(requests);

        Assert.Equal(1, _source.Calls);
        Assert.All(answers, a => Assert.Equal(CountingCredentialSource.AccessKeyIdOf(1), a.Credentials.AccessKeyId));
    }

    [Fact]
    public async Task GetAsync_WellWithinLifetime_AnswersFromMemory()
    {
        var first = await _cache.GetAsync(_source, CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(25));

        var second = await _cache.GetAsync(_source, CancellationToken.None);

        Assert.Same(first, second);
        Assert.Equal(1, _source.Calls);
    }

    [Fact]
    public async Task GetAsync_ClientReturningWithFifteenMinutesLeft_GetsCredentialsRefreshedAheadInTheBackground()
    {
        var first = await _cache.GetAsync(_source, CancellationToken.None);

        // 30 min before expiry the timer refreshes without any request.
        _time.Advance(TimeSpan.FromMinutes(30));
        await Eventually.TrueAsync(() => _cache.Status(_source).ObtainedAt > first.ObtainedAt, "the background refresh finished");
        Assert.Equal(2, _source.Calls);

        // A client that got the first credentials comes back with 15 min left on them.
        _time.Advance(TimeSpan.FromMinutes(15));
        var answer = await _cache.GetAsync(_source, CancellationToken.None);

        Assert.Equal(CountingCredentialSource.AccessKeyIdOf(2), answer.Credentials.AccessKeyId);
        Assert.True(answer.Expiration - _time.GetUtcNow() >= TimeSpan.FromMinutes(45));
        Assert.Equal(2, _source.Calls);
    }

    [Fact]
    public void TryGetFresh_Cold_AnswersNothingAndFetchesNothing()
    {
        Assert.False(_cache.TryGetFresh(_source, out var credentials));

        Assert.Null(credentials);
        Assert.Equal(0, _source.Calls);
    }

    [Fact]
    public async Task TryGetFresh_WellWithinLifetime_AnswersTheHeldCredentialsAndCountsAHit()
    {
        var observer = new LockProbingObserver();
        using var cache = new CredentialCache(_time, observer: observer);
        observer.Probe = () => cache.Status(_source);
        var first = await cache.GetAsync(_source, CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(29));

        Assert.True(cache.TryGetFresh(_source, out var credentials));

        Assert.Same(first, credentials);
        Assert.Equal(1, _source.Calls);
        Assert.Equal(["miss", "hit"], observer.Calls);
    }

    [Fact]
    public async Task TryGetFresh_DueForRefreshWhileItRuns_LeavesTheAnswerToGetAsync()
    {
        var first = await _cache.GetAsync(_source, CancellationToken.None);
        _source.Hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _time.Advance(TimeSpan.FromMinutes(31));
        await Eventually.TrueAsync(() => _source.Calls == 2, "the refresh started");

        Assert.False(_cache.TryGetFresh(_source, out _));
        // GetAsync still answers the current credentials at once: 29 min are left.
        Assert.Same(first, await _cache.GetAsync(_source, CancellationToken.None));
        _source.Hold.SetResult();
        await Eventually.TrueAsync(() => _cache.TryGetFresh(_source, out var fresh) && fresh.Credentials.AccessKeyId == CountingCredentialSource.AccessKeyIdOf(2),
            "the refreshed credentials are answered without the lock");
    }

    [Fact]
    public async Task TryGetFresh_AfterDispose_Throws()
    {
        await _cache.GetAsync(_source, CancellationToken.None);
        _cache.Dispose();

        Assert.Throws<ObjectDisposedException>(() => _cache.TryGetFresh(_source, out _));
    }

    [Fact]
    public async Task GetAsync_ShortSession_RefreshesAtHalfItsLifetime()
    {
        _source.Lifetime = TimeSpan.FromMinutes(15);
        await _cache.GetAsync(_source, CancellationToken.None);

        _time.Advance(TimeSpan.FromMinutes(7));
        await Task.Delay(50);
        Assert.Equal(1, _source.Calls);
        _time.Advance(TimeSpan.FromSeconds(31));

        await Eventually.TrueAsync(() => _source.Calls == 2, "the refresh at half the lifetime started");
    }

    [Fact]
    public async Task GetAsync_UnderFiveMinutesLeftWhileRefreshRuns_WaitsForTheFreshCredentials()
    {
        await _cache.GetAsync(_source, CancellationToken.None);
        _source.Hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _time.Advance(TimeSpan.FromMinutes(56));
        await Eventually.TrueAsync(() => _source.Calls == 2, "the refresh started");

        var request = _cache.GetAsync(_source, CancellationToken.None);
        await Task.Delay(100);
        Assert.False(request.IsCompleted, "credentials with 4 min left were handed out although a refresh was running");
        _source.Hold.SetResult();
        var answer = await request;

        Assert.Equal(CountingCredentialSource.AccessKeyIdOf(2), answer.Credentials.AccessKeyId);
        Assert.Equal(2, _source.Calls);
    }

    [Fact]
    public async Task GetAsync_RefreshFailsWithUnderFiveMinutesLeft_ServesLastGoodCredentials()
    {
        var first = await _cache.GetAsync(_source, CancellationToken.None);
        _source.Failure = Outage;
        _time.Advance(TimeSpan.FromMinutes(56));

        var answer = await _cache.GetAsync(_source, CancellationToken.None);

        Assert.Same(first, answer);
    }

    [Fact]
    public async Task GetAsync_OutageThroughExpiry_ServesLastGoodUntilExpiryThenTheReasonButNeverExpiredCredentials()
    {
        var first = await _cache.GetAsync(_source, CancellationToken.None);
        _source.Failure = Outage;

        CredentialException? refused = null;
        for (var elapsed = TimeSpan.Zero; elapsed < TimeSpan.FromMinutes(70); elapsed += TimeSpan.FromSeconds(10))
        {
            _time.Advance(TimeSpan.FromSeconds(10));
            var now = _time.GetUtcNow();
            try
            {
                var answer = await _cache.GetAsync(_source, CancellationToken.None);
                Assert.Same(first, answer);
                Assert.True(answer.Expiration - now > TimeSpan.FromSeconds(29), $"handed out credentials {answer.Expiration - now} before expiry");
            }
            catch (CredentialException e)
            {
                Assert.True(first.Expiration - now <= TimeSpan.FromSeconds(30), $"refused with {first.Expiration - now} left on good credentials");
                refused = e;
            }
        }

        Assert.NotNull(refused);
        Assert.Equal(CredentialErrorKind.ServiceUnavailable, refused.Kind);
        Assert.Equal(Outage.Message, refused.Message);
        // 40 min of outage with back-off doubling to at most 2 min: tens of attempts, not hundreds.
        Assert.InRange(_source.Calls, 10, 60);
    }

    [Fact]
    public async Task GetAsync_OutageEnds_NextRetryRestoresFreshCredentials()
    {
        await _cache.GetAsync(_source, CancellationToken.None);
        _source.Failure = Outage;
        _time.Advance(TimeSpan.FromMinutes(31));
        await Eventually.TrueAsync(() => _cache.Status(_source).LastErrorKind == CredentialErrorKind.ServiceUnavailable, "the refresh failed");

        _source.Failure = null;
        _time.Advance(TimeSpan.FromMinutes(2));
        await Eventually.TrueAsync(() => _cache.Status(_source).LastErrorKind is null, "a retry succeeded");
        var answer = await _cache.GetAsync(_source, CancellationToken.None);

        Assert.NotEqual(CountingCredentialSource.AccessKeyIdOf(1), answer.Credentials.AccessKeyId);
        Assert.True(answer.Expiration - _time.GetUtcNow() > TimeSpan.FromMinutes(55));
    }

    [Fact]
    public async Task GetAsync_Throttled_CallersGetTheReasonAtOnceWithoutNewFetchesUntilTheBackOffEnds()
    {
        _source.Failure = Throttling;
        var first = await Assert.ThrowsAsync<CredentialException>(() => _cache.GetAsync(_source, CancellationToken.None));
        Assert.Equal(CredentialErrorKind.Throttled, first.Kind);

        for (var i = 0; i < 100; i++)
        {
            var again = await Assert.ThrowsAsync<CredentialException>(() => _cache.GetAsync(_source, CancellationToken.None));
            Assert.Equal(CredentialErrorKind.Throttled, again.Kind);
            Assert.Equal(Throttling.Message, again.Message);
        }

        Assert.Equal(1, _source.Calls);
        // Throttling backs off 10 s jittered to [5 s, 10 s], then 20 s to [10 s, 20 s].
        _time.Advance(TimeSpan.FromSeconds(4.9));
        await Task.Delay(50);
        Assert.Equal(1, _source.Calls);
        _time.Advance(TimeSpan.FromSeconds(5.2));
        await Eventually.TrueAsync(() => _source.Calls == 2, "the first retry ran");
        await Eventually.TrueAsync(() => _cache.Status(_source).NextAttempt > _time.GetUtcNow(), "the second back-off was set");
        var wait = _cache.Status(_source).NextAttempt!.Value - _time.GetUtcNow();
        Assert.InRange(wait, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task GetAsync_SourceHandsOutAlreadyExpiredCredentials_RefusesThemAndSaysCheckTheClock()
    {
        _source.Lifetime = TimeSpan.FromSeconds(-5);

        var e = await Assert.ThrowsAsync<CredentialException>(() => _cache.GetAsync(_source, CancellationToken.None));

        Assert.Equal(CredentialErrorKind.ServiceUnavailable, e.Kind);
        Assert.Contains("clock", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAsync_CallerGivesUp_SharedFetchCarriesOnForOthers()
    {
        _source.Hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var impatient = new CancellationTokenSource();
        var abandoned = _cache.GetAsync(_source, impatient.Token);
        var patient = _cache.GetAsync(_source, CancellationToken.None);
        await impatient.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);

        _source.Hold.SetResult();

        Assert.Equal(CountingCredentialSource.AccessKeyIdOf(1), (await patient).Credentials.AccessKeyId);
        Assert.Equal(1, _source.Calls);
    }

    [Fact]
    public async Task Status_AfterSuccessAndFailure_ReportsValidityAndTheLastReason()
    {
        Assert.False(_cache.Status(_source).HasValidCredentials);
        _cache.Prefetch(_source);
        await Eventually.TrueAsync(() => _cache.Status(_source).HasValidCredentials, "the prefetch finished");

        _source.Failure = new CredentialException(CredentialErrorKind.KeyLocked, "The SSH agent is locked: unlock it with ssh-add -X.");
        _time.Advance(TimeSpan.FromMinutes(31));
        await Eventually.TrueAsync(() => _cache.Status(_source).LastErrorKind is not null, "the refresh failed");
        var status = _cache.Status(_source);

        Assert.True(status.HasValidCredentials);
        Assert.Equal(CredentialErrorKind.KeyLocked, status.LastErrorKind);
        Assert.Equal("The SSH agent is locked: unlock it with ssh-add -X.", status.LastError);
        Assert.Equal("default", status.Name);
    }

    [Fact]
    public async Task RetryNow_AfterFailure_FetchesAtOnceButNotWhenHealthy()
    {
        _source.Failure = Throttling;
        await Assert.ThrowsAsync<CredentialException>(() => _cache.GetAsync(_source, CancellationToken.None));
        _source.Failure = null;

        _cache.RetryNow(_source);
        await Eventually.TrueAsync(() => _cache.Status(_source).HasValidCredentials, "the early retry succeeded");
        _cache.RetryNow(_source);
        await Task.Delay(50);

        Assert.Equal(2, _source.Calls);
    }

    /// <summary>A cache with <see cref="LongBackOff"/> whose first fetch has just failed with <paramref name="kind"/>.</summary>
    private async Task<CredentialCache> FailedOnceAsync(CredentialErrorKind kind)
    {
        var cache = new CredentialCache(_time, LongBackOff, random: new Random(7));
        _source.Failure = new CredentialException(kind, $"The fetch failed ({kind}).");
        await Assert.ThrowsAsync<CredentialException>(() => cache.GetAsync(_source, CancellationToken.None));
        return cache;
    }

    [Theory]
    [InlineData(CredentialErrorKind.KeyLocked)]
    [InlineData(CredentialErrorKind.KeyNotFound)]
    [InlineData(CredentialErrorKind.SignerUnavailable)]
    [InlineData(CredentialErrorKind.CertificateInvalid)]
    [InlineData(CredentialErrorKind.AccessDenied)]
    public async Task GetAsync_RequestAfterFailureAPersonFixed_RetriesBeforeTheBackOffEnds(CredentialErrorKind kind)
    {
        using var cache = await FailedOnceAsync(kind);
        Assert.True(cache.Status(_source).NextAttempt - _time.GetUtcNow() >= TimeSpan.FromMinutes(1), "the back-off is long");

        // The person fixes it; within the prompt-retry interval requests still get the failure without a fetch.
        _source.Failure = null;
        _time.Advance(TimeSpan.FromSeconds(4.9));
        await Assert.ThrowsAsync<CredentialException>(() => cache.GetAsync(_source, CancellationToken.None));
        Assert.Equal(1, _source.Calls);
        _time.Advance(TimeSpan.FromSeconds(0.1));

        var answer = await cache.GetAsync(_source, CancellationToken.None);

        Assert.Equal(CountingCredentialSource.AccessKeyIdOf(2), answer.Credentials.AccessKeyId);
        Assert.Equal(2, _source.Calls);
    }

    [Fact]
    public async Task GetAsync_HammeringAfterFailureAPersonMustFix_FetchesAtMostOncePerPromptRetryInterval()
    {
        using var cache = await FailedOnceAsync(CredentialErrorKind.KeyLocked);

        // 50 requests a second for 60 s, each waiting for its answer.
        for (var i = 1; i < 3000; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(20));
            var e = await Assert.ThrowsAsync<CredentialException>(() => cache.GetAsync(_source, CancellationToken.None));
            Assert.Equal(CredentialErrorKind.KeyLocked, e.Kind);
        }

        // The first fetch at 0 s, then one at 5, 10, ... 55 s (the back-off's own timer, 1 min or more, never came due).
        Assert.Equal(1 + 11, _source.Calls);
    }

    [Theory]
    [InlineData(CredentialErrorKind.Throttled)]
    [InlineData(CredentialErrorKind.ServiceUnavailable)]
    [InlineData(CredentialErrorKind.Network)]
    public async Task GetAsync_RequestsAfterThrottlingOrOutage_WaitForTheBackOff(CredentialErrorKind kind)
    {
        using var cache = await FailedOnceAsync(kind);

        for (var i = 0; i < 30; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            await Assert.ThrowsAsync<CredentialException>(() => cache.GetAsync(_source, CancellationToken.None));
        }

        Assert.Equal(1, _source.Calls);
    }

    [Fact]
    public async Task GetAsync_FailingRefreshWhileLastGoodCredentialsServe_NoPromptRetries()
    {
        var first = await _cache.GetAsync(_source, CancellationToken.None);
        _source.Failure = new CredentialException(CredentialErrorKind.KeyLocked, "The SSH agent is locked: unlock it with ssh-add -X.");
        _time.Advance(TimeSpan.FromMinutes(31));
        await Eventually.TrueAsync(() => _cache.Status(_source).LastErrorKind is not null, "the refresh failed");
        var calls = _source.Calls;

        _time.Advance(TimeSpan.FromSeconds(5));
        var answer = await _cache.GetAsync(_source, CancellationToken.None);

        Assert.Same(first, answer);
        Assert.Equal(calls, _source.Calls);
    }

    [Fact]
    public async Task RefreshNow_Healthy_FetchesFreshCredentialsAndServesTheCurrentMeanwhile()
    {
        var first = await _cache.GetAsync(_source, CancellationToken.None);
        _source.Hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _time.Advance(TimeSpan.FromMinutes(1));

        _cache.RefreshNow(_source);
        await Eventually.TrueAsync(() => _source.Calls == 2, "the refresh started");
        Assert.Same(first, await _cache.GetAsync(_source, CancellationToken.None));
        _cache.RefreshNow(_source); // a fetch runs: nothing more
        _source.Hold.SetResult();
        await Eventually.TrueAsync(() => _cache.Status(_source).ObtainedAt > first.ObtainedAt, "the refresh finished");

        Assert.Equal(CountingCredentialSource.AccessKeyIdOf(2), (await _cache.GetAsync(_source, CancellationToken.None)).Credentials.AccessKeyId);
        Assert.Equal(2, _source.Calls);
    }

    [Fact]
    public async Task RefreshNow_AfterFailure_EndsTheBackOff()
    {
        _source.Failure = new CredentialException(CredentialErrorKind.KeyLocked, "The SSH agent is locked: unlock it with ssh-add -X.");
        await Assert.ThrowsAsync<CredentialException>(() => _cache.GetAsync(_source, CancellationToken.None));
        _source.Failure = null;

        _cache.RefreshNow(_source);

        await Eventually.TrueAsync(() => _cache.Status(_source).HasValidCredentials, "the refresh fetched");
        Assert.Null(_cache.Status(_source).LastErrorKind);
        Assert.Equal(2, _source.Calls);
    }

    [Fact]
    public async Task Status_AfterFetch_ReportsTheCertificateExpiryTheFetchCameWith()
    {
        Assert.Null(_cache.Status(_source).CertificateExpiration);
        var notAfter = _time.GetUtcNow().AddDays(12);
        _source.CertificateExpiration = notAfter;

        await _cache.GetAsync(_source, CancellationToken.None);

        Assert.Equal(notAfter, _cache.Status(_source).CertificateExpiration);
    }

    [Fact]
    public async Task Dispose_WithRefreshScheduled_NoFurtherFetches()
    {
        await _cache.GetAsync(_source, CancellationToken.None);

        _cache.Dispose();
        _time.Advance(TimeSpan.FromHours(2));
        await Task.Delay(50);

        Assert.Equal(1, _source.Calls);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => _cache.GetAsync(_source, CancellationToken.None));
    }

    [Theory]
    [InlineData(CredentialErrorKind.Network, 1, 0.5, 1)]
    [InlineData(CredentialErrorKind.Network, 3, 2, 4)]
    [InlineData(CredentialErrorKind.Network, 20, 60, 120)]
    [InlineData(CredentialErrorKind.Throttled, 1, 5, 10)]
    [InlineData(CredentialErrorKind.Throttled, 2, 10, 20)]
    [InlineData(CredentialErrorKind.AccessDenied, 1, 5, 10)]
    public void RetryDelay_ByKindAndFailureCount_GrowsExponentiallyWithinJitterBounds(CredentialErrorKind kind, int failures, double lowSeconds, double highSeconds)
    {
        var policy = CredentialCachePolicy.Default;
        var failure = new CredentialException(kind, "x");

        Assert.Equal(TimeSpan.FromSeconds(lowSeconds), policy.RetryDelay(failures, failure, 0));
        Assert.Equal(TimeSpan.FromSeconds(highSeconds), policy.RetryDelay(failures, failure, 1));
    }

    [Fact]
    public async Task Observer_HitMissAndBackOff_AreToldOutsideTheEntryLock()
    {
        var observer = new LockProbingObserver();
        using var cache = new CredentialCache(_time, observer: observer, random: new Random(7));
        observer.Probe = () => cache.Status(_source);

        _source.Failure = Outage;
        // A cold miss that waits for the failing fetch, then a miss while backing off with nothing valid.
        await Assert.ThrowsAsync<CredentialException>(() => cache.GetAsync(_source, CancellationToken.None));
        await Assert.ThrowsAsync<CredentialException>(() => cache.GetAsync(_source, CancellationToken.None));
        _source.Failure = null;
        _time.Advance(TimeSpan.FromMinutes(3));
        await Eventually.TrueAsync(() => cache.Status(_source).HasValidCredentials, "the scheduled retry fetched");
        await cache.GetAsync(_source, CancellationToken.None);

        Assert.Equal(["miss", "miss", "hit"], observer.Calls);
        Assert.All(observer.ProbeCompleted, Assert.True);
    }

    /// <summary>
    /// Asks the cache for an entry's status from another thread while being told something: that waits for the
    /// entry's lock, so it completes only if the cache does not hold the lock while telling.
    /// </summary>
    private sealed class LockProbingObserver : ICredentialCacheObserver
    {
        public Func<CredentialCacheStatus> Probe { get; set; } = null!;

        public List<string> Calls { get; } = [];

        public List<bool> ProbeCompleted { get; } = [];

        public void Hit(string source) => Record("hit");

        public void Miss(string source) => Record("miss");

        public void Fetched(string source, CachedCredentials credentials, TimeSpan elapsed)
        {
        }

        public void FetchFailed(string source, CredentialException failure, TimeSpan elapsed, TimeSpan retryIn)
        {
        }

        private void Record(string call)
        {
            var completed = Task.Run(Probe).Wait(TimeSpan.FromSeconds(5));
            lock (Calls)
            {
                Calls.Add(call);
                ProbeCompleted.Add(completed);
            }
        }
    }
}
