using Microsoft.Extensions.Time.Testing;
using OpenRolesAnywhere.Core.Credentials;
using OpenRolesAnywhere.TestCommon;
using OpenRolesAnywhere.TestCommon.Credentials;

namespace OpenRolesAnywhere.Core.Tests.Credentials;

/// <summary>
/// Credentials that live less than the policy's 5-minute hand-out floor (a fake, or a future AWS change):
/// the thresholds shrink with the lifetime, so requests neither storm CreateSession nor wait while valid
/// credentials are held.
/// </summary>
public sealed class CredentialCacheShortLifetimeTests : IDisposable
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(120);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 24, 5, 0, 0, TimeSpan.Zero));
    private readonly CountingCredentialSource _source;
    private readonly CredentialCache _cache;

    public CredentialCacheShortLifetimeTests()
    {
        _source = new CountingCredentialSource(_time, lifetime: Lifetime);
        _cache = new CredentialCache(_time, random: new Random(7));
    }

    public void Dispose() => _cache.Dispose();

    [Fact]
    public async Task GetAsync_TwoMinuteLifetimeOverFourHundredSecondsOfRequests_FetchesAboutOncePerHalfLifetime()
    {
        for (var second = 0; second < 400; second++)
        {
            var answer = await _cache.GetAsync(_source, CancellationToken.None).WaitAsync(Eventually.DefaultTimeout);
            Assert.True(answer.Expiration - _time.GetUtcNow() > TimeSpan.FromSeconds(29), $"handed out credentials {answer.Expiration - _time.GetUtcNow()} before expiry");
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        // At least one fetch per lifetime (nothing expired was handed out above), at most the cold fetch and one per
        // half lifetime (refresh ahead): 4 to 8, where the storm made one per request (400).
        Assert.InRange(_source.Calls, 4, 8);
    }

    [Fact]
    public async Task GetAsync_TwoMinuteLifetimeWhileRefreshRuns_AnswersValidCredentialsWithoutWaiting()
    {
        var first = await _cache.GetAsync(_source, CancellationToken.None);
        _source.Hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // The refresh starts at half the lifetime (60 s left) and is held; valid credentials are answered meanwhile.
        _time.Advance(TimeSpan.FromSeconds(61));
        await Eventually.TrueAsync(() => _source.Calls == 2, "the refresh started");
        for (var left = 59; left > 31; left -= 4)
        {
            var request = _cache.GetAsync(_source, CancellationToken.None);
            Assert.True(request.IsCompletedSuccessfully, $"a caller waited on the refresh with {left} s left on valid credentials");
            Assert.Same(first, await request);
            _time.Advance(TimeSpan.FromSeconds(4));
        }

        _source.Hold.SetResult();
        await Eventually.TrueAsync(() => _cache.Status(_source).ObtainedAt > first.ObtainedAt, "the refresh finished");
        Assert.Equal(2, _source.Calls);
    }

    [Fact]
    public async Task GetAsync_TwoMinuteLifetimeInsideTheExpiryMarginWhileRefreshRuns_WaitsForFreshCredentials()
    {
        await _cache.GetAsync(_source, CancellationToken.None);
        _source.Hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _time.Advance(TimeSpan.FromSeconds(95));
        await Eventually.TrueAsync(() => _source.Calls == 2, "the refresh started");

        var request = _cache.GetAsync(_source, CancellationToken.None);
        await Task.Delay(100);
        Assert.False(request.IsCompleted, "credentials with 25 s left (inside the 30 s margin) were handed out");
        _source.Hold.SetResult();

        Assert.Equal(CountingCredentialSource.AccessKeyIdOf(2), (await request).Credentials.AccessKeyId);
    }

    [Theory]
    [InlineData(3600, 1800, 300)]
    [InlineData(900, 450, 225)]
    [InlineData(120, 60, 30)]
    [InlineData(600, 300, 150)]
    [InlineData(60, 30, 30)]
    public void Thresholds_ByLifetime_AreCappedByIt(int lifetimeSeconds, int refreshAheadSeconds, int floorSeconds)
    {
        var policy = CredentialCachePolicy.Default;
        var lifetime = TimeSpan.FromSeconds(lifetimeSeconds);

        Assert.Equal(TimeSpan.FromSeconds(refreshAheadSeconds), policy.RefreshAheadFor(lifetime));
        Assert.Equal(TimeSpan.FromSeconds(floorSeconds), policy.MinimumRemainingFor(lifetime));
    }
}
