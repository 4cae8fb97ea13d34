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
public sealed class PromptRetryTests : IClassFixture<SshAgentFixture>, IAsyncLifetime, IDisposable
{
    private readonly SshAgentFixture _agents;
    private readonly TestPki _pki = TestPki.Create();
    private readonly TempDirectory _temp = new();
    private readonly HttpClient _http = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private SshAgentProcess _agent = null!;
    private FakeRolesAnywhereServer _fake = null!;
    private RunningServer _server = null!;

    public PromptRetryTests(SshAgentFixture agents)
    {
        _agents = agents;
    }

    public async Task InitializeAsync()
    {
        _fake = await FakeRolesAnywhereServer.StartAsync(_pki.Root);
        _agent = _agents.StartAgent();
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        await _fake.DisposeAsync();
    }

    public void Dispose()
    {
        _agent.Dispose();
        _http.Dispose();
        _pki.Dispose();
        _temp.Dispose();
    }

    private async Task StartServerAsync()
    {
        using var leaf = _pki.Issue(_agents.EcdsaP256.PublicKey!);
        var options = new CredentialSourceOptions
        {
            Certificate = _pki.WritePem(_temp.File("workload.pem"), leaf),
            TrustAnchorArn = FakeRolesAnywhereServer.TrustAnchorArn,
            ProfileArn = FakeRolesAnywhereServer.ProfileArn,
            RoleArn = FakeRolesAnywhereServer.RoleArn,
            Endpoint = _fake.Endpoint.ToString(),
        };
        var keys = new KeySourceProviders([new SshAgentKeySource(_agent.Environment), new FileKeySource(_ => null, prompt: null)]);
        // The source signs with the real clock (the fake service checks skew); only the cache's clock is ours.
        _server = await RunningServer.StartAsync(options, o => new RolesAnywhereCredentialSource(o, keys, new RolesAnywhereClient(_http, TimeProvider.System, environment: _ => null), _ => null), _time);
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
        Assert.Equal(0, _fake.Calls);
        _time.Advance(TimeSpan.FromSeconds(0.1));

        Assert.Equal(HttpStatusCode.OK, await RequestAsync());
        Assert.Single(_fake.Issued);
    }

    [Fact]
    public async Task ContainerCredentials_CrowdHammeringWhileTheServiceRefusesTheRole_CreateSessionAtMostOncePerFiveSeconds()
    {
        _agent.Add(_agents.EcdsaP256);
        _fake.ProfileRoles.Clear();
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
        Assert.InRange(_fake.Calls, 2, 6);
        _fake.ProfileRoles.Add(FakeRolesAnywhereServer.RoleArn);
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(HttpStatusCode.OK, await RequestAsync());
    }
}
