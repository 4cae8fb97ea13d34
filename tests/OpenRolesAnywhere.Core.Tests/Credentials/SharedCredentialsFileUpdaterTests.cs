using Microsoft.Extensions.Time.Testing;
using OpenRolesAnywhere.Core.Credentials;
using OpenRolesAnywhere.TestCommon;
using OpenRolesAnywhere.TestCommon.Credentials;

namespace OpenRolesAnywhere.Core.Tests.Credentials;

public sealed class SharedCredentialsFileUpdaterTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly StringWriter _log = new();

    public void Dispose()
    {
        _temp.Dispose();
        _log.Dispose();
    }

    private string Path => _temp.File("credentials");

    private SharedCredentialsFileUpdater Updater(CountingCredentialSource source) => new(source, Path, "ora", _time, _log);

    [Fact]
    public async Task RunAsync_Once_WritesOnceAndReturns()
    {
        var source = new CountingCredentialSource(_time);

        await Updater(source).RunAsync(once: true, CancellationToken.None);

        Assert.Equal(1, source.Calls);
        Assert.Contains($"aws_access_key_id = {CountingCredentialSource.AccessKeyIdOf(1)}\n", await File.ReadAllTextAsync(Path), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_Loop_RefreshesFiveMinutesBeforeExpiryUntilCancelled()
    {
        var source = new CountingCredentialSource(_time, lifetime: TimeSpan.FromHours(1));
        using var stop = new CancellationTokenSource();
        var run = Updater(source).RunAsync(once: false, stop.Token);
        await WaitForAsync(() => source.Calls == 1 && File.Exists(Path));

        _time.Advance(TimeSpan.FromMinutes(55) - TimeSpan.FromSeconds(1));
        await Task.Delay(100);
        Assert.Equal(1, source.Calls);
        _time.Advance(TimeSpan.FromSeconds(1));
        await WaitForAsync(() => File.ReadAllText(Path).Contains(CountingCredentialSource.AccessKeyIdOf(2), StringComparison.Ordinal));

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.Equal(2, source.Calls);
        Assert.DoesNotContain(CountingCredentialSource.AccessKeyIdOf(1), await File.ReadAllTextAsync(Path), StringComparison.Ordinal);
        Assert.Contains("refreshing at 2026-03-01T12:55:00Z", _log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_RefreshFailsOnTheNetwork_RetriesAMinuteLaterAndKeepsTheWrittenKeys()
    {
        var source = new CountingCredentialSource(_time, lifetime: TimeSpan.FromHours(1));
        using var stop = new CancellationTokenSource();
        var run = Updater(source).RunAsync(once: false, stop.Token);
        await WaitForAsync(() => source.Calls == 1 && File.Exists(Path));
        source.Failure = new CredentialException(CredentialErrorKind.Network, "connection refused");

        _time.Advance(TimeSpan.FromMinutes(55));
        await WaitForAsync(() => source.Calls == 2);
        source.Failure = null;
        _time.Advance(TimeSpan.FromMinutes(1));
        await WaitForAsync(() => File.ReadAllText(Path).Contains(CountingCredentialSource.AccessKeyIdOf(3), StringComparison.Ordinal));

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.Contains("connection refused", _log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_RefreshDenied_StopsWithThatFailure()
    {
        var source = new CountingCredentialSource(_time, lifetime: TimeSpan.FromHours(1));
        var run = Updater(source).RunAsync(once: false, CancellationToken.None);
        await WaitForAsync(() => source.Calls == 1 && File.Exists(Path));
        source.Failure = new CredentialException(CredentialErrorKind.AccessDenied, "role not in profile");

        _time.Advance(TimeSpan.FromMinutes(55));

        var e = await Assert.ThrowsAsync<CredentialException>(() => run);
        Assert.Equal(CredentialErrorKind.AccessDenied, e.Kind);
        Assert.Equal(2, source.Calls);
    }

    [Fact]
    public async Task RunAsync_FirstFetchFails_WritesNothing()
    {
        var source = new CountingCredentialSource(_time) { Failure = new CredentialException(CredentialErrorKind.Network, "down") };

        await Assert.ThrowsAsync<CredentialException>(() => Updater(source).RunAsync(once: false, CancellationToken.None));

        Assert.False(File.Exists(Path));
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(25);
        }

        Assert.True(condition(), "the condition did not become true in 5 seconds");
    }
}
