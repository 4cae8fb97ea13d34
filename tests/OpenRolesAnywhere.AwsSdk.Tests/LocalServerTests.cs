using Amazon.SecurityToken.Model;
using Microsoft.AspNetCore.Builder;
using OpenRolesAnywhere.Core.Credentials;
using OpenRolesAnywhere.Core.KeySources;
using OpenRolesAnywhere.Core.RolesAnywhere;
using OpenRolesAnywhere.Server;
using OpenRolesAnywhere.Signers.SshAgent;
using OpenRolesAnywhere.TestCommon.SshAgent;

namespace OpenRolesAnywhere.AwsSdk.Tests;

/// <summary>
/// <see cref="RolesAnywhereCredentialsOptions.UseLocalServer"/>: a real <c>serve</c> with the same source answers
/// over its Unix socket, so two applications on one host share its one CreateSession; with none, the app signs itself.
/// </summary>
public sealed class LocalServerTests : IClassFixture<SshAgentFixture>, IAsyncLifetime
{
    private readonly SshAgentFixture _agent;
    private SdkWorld _world = null!;
    private string _runtime = null!;

    public LocalServerTests(SshAgentFixture agent)
    {
        _agent = agent;
    }

    public async Task InitializeAsync()
    {
        _world = await SdkWorld.StartAsync();
        _runtime = Directory.CreateDirectory(Path.Combine(_world.Temp.Path, "run")).FullName;
    }

    public async Task DisposeAsync() => await _world.DisposeAsync();

    private string? Environment(string name) => name == "XDG_RUNTIME_DIR" ? _runtime : _agent.Environment(name);

    private RolesAnywhereCredentialsOptions Options()
    {
        var options = _world.Options(Path.Combine(_world.Temp.Path, "workload.pem"), sshFingerprint: _agent.EcdsaP256.Fingerprint);
        options.UseLocalServer = true;
        return options;
    }

    [Fact]
    public async Task GetCallerIdentity_ServeRunsTheSameSource_TwoAppsShareItsOneCreateSession()
    {
        _world.Issue(_agent.EcdsaP256.PublicKey!);
        await using var serve = await StartServeAsync(Options());
        using var first = _world.StsClient(_world.Credentials(Options(), Environment));
        using var second = _world.StsClient(_world.Credentials(Options(), Environment));

        await first.GetCallerIdentityAsync(new GetCallerIdentityRequest());
        await second.GetCallerIdentityAsync(new GetCallerIdentityRequest());

        var issued = Assert.Single(_world.RolesAnywhere.Issued);
        Assert.Equal([issued.AccessKeyId, issued.AccessKeyId], _world.Sts.AcceptedAccessKeys);
    }

    [Fact]
    public async Task GetCallerIdentity_NoServeRunning_SignsItself()
    {
        _world.Issue(_agent.EcdsaP256.PublicKey!);
        using var sts = _world.StsClient(_world.Credentials(Options(), Environment));

        await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest());

        Assert.Equal(Assert.Single(_world.RolesAnywhere.Issued).AccessKeyId, Assert.Single(_world.Sts.AcceptedAccessKeys));
        Assert.False(File.Exists(LocalServerPaths.Socket(Environment)));
    }

    /// <summary>The server as <c>openrolesanywhere serve</c> runs it, with the one source the app is configured with.</summary>
    private async Task<WebApplication> StartServeAsync(RolesAnywhereCredentialsOptions options)
    {
        var keys = new KeySourceProviders([new SshAgentKeySource(Environment), new FileKeySource(Environment, prompt: null)]);
        var http = new HttpClient();
        var serve = CredentialServer.Build(
            new ServeOptions
            {
                Listen = ["http://127.0.0.1:0"],
                TokenFile = LocalServerPaths.TokenFile(Environment),
                UnixSocket = LocalServerPaths.Socket(Environment),
                CommandLineSource = options.ToSourceOptions(),
                Environment = Environment,
            },
            source => new RolesAnywhereCredentialSource(source, keys, new RolesAnywhereClient(http, _world.Time, environment: Environment), Environment),
            _world.Time,
            logSinks: _ => { });
        await serve.StartAsync();
        return serve;
    }
}
