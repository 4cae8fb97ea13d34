using Amazon.SecurityToken.Model;
using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.TestCommon;
using OpenRolesAnywhere.TestCommon.SshAgent;

namespace OpenRolesAnywhere.AwsSdk.Tests;

/// <summary>
/// The cache's policy as SDK clients meet it, on a fake clock shared with the fake Roles Anywhere: a 1 h session
/// is refreshed at 30 min left, callers share one CreateSession, a failed refresh keeps the last good credentials
/// until 30 s before they expire, then the SDK call fails with our message.
/// </summary>
public sealed class CachingTests : IClassFixture<SshAgentFixture>, IAsyncLifetime
{
    private readonly SshAgentFixture _agent;
    private SdkWorld _world = null!;
    private RolesAnywhereCredentials _credentials = null!;

    public CachingTests(SshAgentFixture agent)
    {
        _agent = agent;
    }

    public async Task InitializeAsync()
    {
        _world = await SdkWorld.StartAsync();
        var options = _world.Options(_world.Issue(_agent.EcdsaP256.PublicKey!), sshFingerprint: _agent.EcdsaP256.Fingerprint);
        _credentials = _world.Credentials(options, _agent.Environment);
    }

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task GetCallerIdentity_200ConcurrentCallsOnAColdProvider_OneCreateSession()
    {
        using var sts = _world.StsClient(_credentials);

        var identities = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => Task.Run(() => sts.GetCallerIdentityAsync(new GetCallerIdentityRequest()))));

        Assert.All(identities, identity => Assert.Equal(TestCommon.FakeRolesAnywhere.FakeRolesAnywhereServer.Account, identity.Account));
        Assert.Equal(1, _world.RolesAnywhere.Calls);
        Assert.Equal(200, _world.Sts.AcceptedAccessKeys.Count);
        Assert.Single(_world.Sts.AcceptedAccessKeys.Distinct());
    }

    [Fact]
    public async Task GetCallerIdentity_ThirtyOneMinutesLater_RefreshedAheadInTheBackground()
    {
        using var sts = _world.StsClient(_credentials);
        await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest());
        var first = Assert.Single(_world.RolesAnywhere.Issued).AccessKeyId;

        _world.Time.Advance(TimeSpan.FromMinutes(29));
        await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest());
        Assert.Equal(1, _world.RolesAnywhere.Calls);

        // At 30 min left the cache's timer refreshes; no caller waits for it.
        _world.Time.Advance(TimeSpan.FromMinutes(2));
        await Eventually.TrueAsync(() => _credentials.Status.ObtainedAt == _world.Time.GetUtcNow(), "the background refresh has landed");
        await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest());

        Assert.Equal(2, _world.RolesAnywhere.Calls);
        var second = _world.RolesAnywhere.Issued.Single(s => s.AccessKeyId != first).AccessKeyId;
        Assert.Equal([first, first, second], _world.Sts.AcceptedAccessKeys);
    }

    [Fact]
    public async Task GetCallerIdentity_RefreshFails_LastGoodCredentialsUntilExpiryThenOurMessage()
    {
        using var sts = _world.StsClient(_credentials);
        await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest());
        var first = Assert.Single(_world.RolesAnywhere.Issued).AccessKeyId;
        _world.RolesAnywhere.TrustAnchorEnabled = false;

        _world.Time.Advance(TimeSpan.FromMinutes(31));
        await Eventually.TrueAsync(() => _credentials.Status.LastErrorKind is not null, "the background refresh has failed");
        await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest());
        // Under 5 min left each caller may try again (when the back-off allows); the refusals leave the last good credentials served.
        _world.Time.Advance(TimeSpan.FromMinutes(28));
        await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest());
        Assert.Equal([first, first, first], _world.Sts.AcceptedAccessKeys);

        // 30 s before expiry they count as expired: the SDK call fails with our exception, not one from inside the SDK.
        _world.Time.Advance(TimeSpan.FromSeconds(31));
        var error = await Assert.ThrowsAsync<CredentialException>(() => sts.GetCallerIdentityAsync(new GetCallerIdentityRequest()));

        Assert.Equal(CredentialErrorKind.AccessDenied, error.Kind);
        Assert.Contains("Roles Anywhere refused the request", error.Message, StringComparison.Ordinal);
        Assert.Equal([first, first, first], _world.Sts.AcceptedAccessKeys);
        Assert.True(_world.RolesAnywhere.Calls >= 3, $"refreshes were tried ({_world.RolesAnywhere.Calls} calls)");
    }

    [Fact]
    public async Task GetCallerIdentity_AfterExpiryTheServiceRecovers_NewCredentialsWithoutARestart()
    {
        using var sts = _world.StsClient(_credentials);
        await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest());
        _world.RolesAnywhere.TrustAnchorEnabled = false;
        _world.Time.Advance(TimeSpan.FromMinutes(60));
        await Assert.ThrowsAsync<CredentialException>(() => sts.GetCallerIdentityAsync(new GetCallerIdentityRequest()));

        _world.RolesAnywhere.TrustAnchorEnabled = true;
        _world.Time.Advance(TimeSpan.FromMinutes(3));
        var identity = await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest());

        Assert.Equal(TestCommon.FakeRolesAnywhere.FakeRolesAnywhereServer.Account, identity.Account);
        Assert.Equal(2, _world.RolesAnywhere.Issued.Count);
    }

    [Fact]
    public async Task GetCredentials_SynchronousOnAColdProvider_SharesTheOneCreateSessionWithAsyncCallers()
    {
        var asynchronous = Task.Run(_credentials.GetCredentialsAsync);
        var synchronous = await Task.Run(_credentials.GetCredentials);

        Assert.Equal((await asynchronous).AccessKey, synchronous.AccessKey);
        Assert.Equal(Assert.Single(_world.RolesAnywhere.Issued).AccessKeyId, synchronous.AccessKey);
        Assert.Equal(1, _world.RolesAnywhere.Calls);
    }

    [Fact]
    public async Task GetCredentials_UnderASingleThreadedSynchronizationContext_DoesNotDeadlock()
    {
        var context = new SingleThreadContext();
        var result = await context.RunAsync(() => _credentials.GetCredentials().AccessKey);

        Assert.Equal(Assert.Single(_world.RolesAnywhere.Issued).AccessKeyId, result);
    }

    /// <summary>
    /// A synchronization context with one thread, as a UI or classic ASP.NET has: continuations posted to it wait
    /// for that thread, so a blocking wait on it would deadlock if the wait's work needed the context.
    /// </summary>
    private sealed class SingleThreadContext : SynchronizationContext
    {
        private readonly System.Collections.Concurrent.BlockingCollection<(SendOrPostCallback, object?)> _queue = [];

        public override void Post(SendOrPostCallback d, object? state) => _queue.Add((d, state));

        public Task<T> RunAsync<T>(Func<T> work)
        {
            var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
            var thread = new Thread(() =>
            {
                SetSynchronizationContext(this);
                Post(_ =>
                {
                    try
                    {
                        done.SetResult(work());
                    }
                    catch (Exception e)
                    {
                        done.SetException(e);
                    }
                    finally
                    {
                        _queue.CompleteAdding();
                    }
                }, null);
                foreach (var (callback, state) in _queue.GetConsumingEnumerable())
                {
                    callback(state);
                }
            }) { IsBackground = true };
            thread.Start();
            return done.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }
    }
}
