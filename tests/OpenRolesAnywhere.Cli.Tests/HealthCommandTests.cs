namespace OpenRolesAnywhere.Cli.Tests;

/// <summary><c>health</c> against a real <c>serve</c> process: the exit codes container health checks act on.</summary>
public sealed class HealthCommandTests : IAsyncLifetime
{
    private CliHarness _cli = null!;
    private Dictionary<string, string?> _environment = null!;
    private string[] _sourceFlags = null!;

    public async Task InitializeAsync()
    {
        _cli = await CliHarness.StartAsync();
        var (certificate, key) = _cli.FileIdentity();
        _sourceFlags = ["--certificate", certificate, "--private-key", key, "--no-socket", "--token-file", _cli.Temp.File("server.token"), .. _cli.ArnFlags()];
        _environment = _cli.IsolatedAwsEnvironment();
    }

    public async Task DisposeAsync() => await _cli.DisposeAsync();

    [Fact]
    public async Task Health_ServerHoldingCredentials_ExitsZeroAndPrintsItsHealth()
    {
        await using var serve = await ServeProcess.StartAsync(_sourceFlags, _environment);

        var (exitCode, output, error) = await _cli.RunAsync("health", "--listen", serve.BaseAddress.ToString(), "--ready");

        Assert.True(exitCode == 0, error);
        Assert.Contains("\"status\":\"ok\"", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_NothingListening_ExitsOneAndNamesTheUrl()
    {
        var port = TestCommon.LoopbackHost.FreePort.Next();

        var (exitCode, _, error) = await _cli.RunAsync("health", "--listen", $"http://127.0.0.1:{port}");

        Assert.Equal(ExitCodes.Unhealthy, exitCode);
        Assert.Contains($"no server answered at http://127.0.0.1:{port}/healthz", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_ServerWhoseSourceIsDenied_IsLiveButNotReady()
    {
        _cli.Fake.ProfileRoles.Clear();
        await using var serve = await ServeProcess.StartAsync(_sourceFlags, _environment, requireValidCredentials: false);

        var live = await _cli.RunAsync("health", "--listen", serve.BaseAddress.ToString());
        var ready = await _cli.RunAsync("health", "--listen", serve.BaseAddress.ToString(), "--ready");

        Assert.Equal(ExitCodes.Success, live.ExitCode);
        Assert.Contains("\"status\":\"degraded\"", live.Output, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Unhealthy, ready.ExitCode);
        Assert.Contains("not every source holds valid credentials", ready.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_WildcardListenAddress_AsksTheLoopback()
    {
        await using var serve = await ServeProcess.StartAsync(_sourceFlags, _environment);

        var (exitCode, _, error) = await _cli.RunAsync("health", "--listen", $"http://0.0.0.0:{serve.Port}");

        Assert.True(exitCode == 0, error);
    }

    [Fact]
    public async Task Health_ListenUrlThatIsNotHttp_IsAUsageError()
    {
        var (exitCode, _, error) = await _cli.RunAsync("health", "--listen", "ftp://127.0.0.1:9911");

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.StartsWith("openrolesanywhere: ", error, StringComparison.Ordinal);
    }
}
