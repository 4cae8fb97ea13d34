using Microsoft.Extensions.Time.Testing;
using OpenRolesAnywhere.Core.Credentials;
using OpenRolesAnywhere.Core.KeySources;
using OpenRolesAnywhere.Core.RolesAnywhere;
using OpenRolesAnywhere.Signers.SshAgent;
using OpenRolesAnywhere.TestCommon;
using OpenRolesAnywhere.TestCommon.FakeRolesAnywhere;
using OpenRolesAnywhere.TestCommon.SshAgent;

namespace OpenRolesAnywhere.Server.Tests;

/// <summary>
/// After a failure a person fixes, the next request retries at once (at most once per 5 s per source), with a real
/// source signing through a real ssh-agent against the verifying fake; the cache runs on a fake clock so the back-off
/// timer cannot be what fetched.
/// </summary>
public sealed class PromptRetryTests : IClassFixture<SshAgentFixture>, IAsyncLifetime
{
    private readonly SshAgentFixture _agents;
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private SshAgentProcess _agent = null!;
    private CreateSessionTestBed _bed = null!;
    private RunningServer _server = null!;

    public PromptRetryTests(SshAgentFixture agents)
    {
        _agents = agents;
    }

    public async Task InitializeAsync()
    {
        _bed = await CreateSessionTestBed.StartAsync();
        _agent = _agents.StartAgent();
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        _agent.Dispose();
        await _bed.DisposeAsync();
    }

    private async Task StartServerAsync()
    {
        using var leaf = _bed.Pki.Issue(_agents.EcdsaP256.PublicKey!);
        var options = new CredentialSourceOptions
        {
            Certificate = _bed.Pki.WritePem(_bed.Temp.File("workload.pem"), leaf),
            TrustAnchorArn = FakeRolesAnywhereServer.TrustAnchorArn,
            ProfileArn = FakeRolesAnywhereServer.ProfileArn,
            RoleArn = FakeRolesAnywhereServer.RoleArn,
            Endpoint = _bed.Fake.Endpoint.ToString(),
        };
        var keys = new KeySourceProviders([new SshAgentKeySource(_agent.Environment), new FileKeySource(_ => null, prompt: null)]);
        // The source signs with the real clock (the fake service checks skew); only the cache's clock is ours.
        _server = await RunningServer.StartAsync(options, o => new RolesAnywhereCredentialSource(o, keys, new RolesAnywhereClient(_bed.Http, TimeProvider.System, environment: _ => null), _ => null), _time);
    }

    private async Task<HttpStatusCode> RequestAsync()
    {
        using var response = await _server.Client.SendAsync(_server.ContainerRequest());
        return response.StatusCode;
    }

    private async Task<string> HealthAsync() => await _server.Client.GetStringAsync("/healthz");

    [Fact]
    public async Task ContainerCredentials_KeyAddedToTheAgentAfterFailures_NextRequestSucceedsBeforeTheBackOffEnds()
    {
        await StartServerAsync();
        await Eventually.TrueAsync(async () => (await HealthAsync()).Contains("KeyNotFound", StringComparison.Ordinal), "the warm-up fetch failed");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, await RequestAsync());
        // Two prompt retries that fail again: the back-off is now at least 20 s from the last one.
        for (var i = 0; i < 2; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(5));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, await RequestAsync());
        }

        _agent.Add(_agents.EcdsaP256);
        _time.Advance(TimeSpan.FromSeconds(4.9));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, await RequestAsync());
        Assert.Equal(0, _bed.Fake.Calls);
        _time.Advance(TimeSpan.FromSeconds(0.1));

        Assert.Equal(HttpStatusCode.OK, await RequestAsync());
        Assert.Single(_bed.Fake.Issued);
    }

    [Fact]
    public async Task ContainerCredentials_CrowdHammeringWhileTheServiceRefusesTheRole_CreateSessionAtMostOncePerFiveSeconds()
    {
        _agent.Add(_agents.EcdsaP256);
        _bed.Fake.ProfileRoles.Clear();
        await StartServerAsync();
        await Eventually.TrueAsync(async () => (await HealthAsync()).Contains("AccessDenied", StringComparison.Ordinal), "the warm-up fetch was refused");

        // 10 clients at once, every 100 ms, for 30 s.
        for (var step = 0; step < 300; step++)
        {
            var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => RequestAsync()));
            Assert.All(answers, a => Assert.Equal(HttpStatusCode.ServiceUnavailable, a));
            _time.Advance(TimeSpan.FromMilliseconds(100));
        }

        // The warm-up, then one fetch at most every 5 s (prompt retries and the back-off's own): 6 within 30 s.
        Assert.InRange(_bed.Fake.Calls, 2, 6);
        _bed.Fake.ProfileRoles.Add(FakeRolesAnywhereServer.RoleArn);
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(HttpStatusCode.OK, await RequestAsync());
    }
}
