using System.Diagnostics;
using OpenRolesAnywhere.TestCommon;
using OpenRolesAnywhere.TestCommon.FakeRolesAnywhere;
using OpenRolesAnywhere.TestCommon.FakeSts;
using OpenRolesAnywhere.TestCommon.LoopbackHost;

namespace OpenRolesAnywhere.Cli.Tests;

/// <summary>
/// <c>proxy</c> and <c>serve --proxy-listen</c> as the native executable: curl, which cannot sign, calls the
/// verifying fake STS through them with credentials the fake Roles Anywhere issued for a file key; and the
/// flags' mistakes get a usage error that names the flag.
/// </summary>
public sealed class ProxyCommandTests : IAsyncLifetime
{
    private const string GetCallerIdentity = "Action=GetCallerIdentity&Version=2011-06-15";
    private CliHarness _cli = null!;
    private FakeStsServer _sts = null!;
    private string[] _sourceFlags = null!;
    private Dictionary<string, string?> _environment = null!;

    public async Task InitializeAsync()
    {
        _cli = await CliHarness.StartAsync();
        _sts = await FakeStsServer.StartAsync(() => _cli.Fake.Issued);
        var (certificate, key) = _cli.FileIdentity();
        _sourceFlags = ["--certificate", certificate, "--private-key", key, .. _cli.ArnFlags()];
        // Region flags are what the tests check: none from the environment.
        _cli.Environment["AWS_REGION"] = null;
        _cli.Environment["AWS_DEFAULT_REGION"] = null;
        var runtime = _cli.Temp.File("run");
        Directory.CreateDirectory(runtime);
        _environment = new Dictionary<string, string?>(_cli.IsolatedAwsEnvironment()) { ["XDG_RUNTIME_DIR"] = runtime, ["SSH_AUTH_SOCK"] = null, ["AWS_REGION"] = null, ["AWS_DEFAULT_REGION"] = null };
    }

    public async Task DisposeAsync()
    {
        await _sts.DisposeAsync();
        await _cli.DisposeAsync();
    }

    [Fact]
    public async Task Proxy_CurlThroughTheNativeExecutable_StsAcceptsTheSignatureAndAnswersTheIdentity()
    {
        var port = FreePort.Next();
        var start = new ProcessStartInfo("env") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in CliExecutable.CommandLine(["proxy", .. _sourceFlags, "--service", "sts", "--region", "us-east-1", "--upstream", _sts.Endpoint.ToString(), "--listen", $"http://127.0.0.1:{port}"]))
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in _environment)
        {
            start.Environment[name] = value;
        }

        using var proxy = Process.Start(start)!;
        // Serilog writes every level to stderr.
        var log = proxy.StandardError.ReadToEndAsync();
        var output = proxy.StandardOutput.ReadToEndAsync();
        try
        {
            var curl = await CurlUntilListeningAsync(port, proxy);

            Assert.True(curl.ExitCode == 0, curl.Output + curl.Error);
            Assert.Contains($"<Account>{FakeRolesAnywhereServer.Account}</Account>", curl.Output, StringComparison.Ordinal);
            Assert.Equal(_cli.Fake.Issued.Select(s => s.AccessKeyId), _sts.AcceptedAccessKeys.Distinct());
        }
        finally
        {
            proxy.Kill();
            await proxy.WaitForExitAsync();
        }

        var logged = await log + await output;
        Assert.Contains($"Listening on http://127.0.0.1:{port}", logged, StringComparison.Ordinal);
        Assert.DoesNotContain(_cli.Fake.Issued.First().SecretAccessKey, logged, StringComparison.Ordinal);
        Assert.DoesNotContain("AWS_CONTAINER_CREDENTIALS_FULL_URI", logged, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_WithProxyListen_CurlThroughTheProxyShareTheCacheWithTheCredentialListener()
    {
        var port = FreePort.Next();
        await using var serve = await ServeProcess.StartAsync(
            [.. _sourceFlags, "--no-socket", "--proxy-listen", $"http://127.0.0.1:{port}", "--proxy-service", "sts", "--proxy-region", "us-east-1", "--proxy-upstream", _sts.Endpoint.ToString()],
            _environment);

        var curl = await ProcessRunner.RunAsync("curl", ["-sS", "--fail-with-body", "--data", GetCallerIdentity, $"http://127.0.0.1:{port}/"]);
        using var http = new HttpClient();
        var metrics = await http.GetStringAsync(new Uri(serve.BaseAddress, "/metrics"));

        Assert.True(curl.ExitCode == 0, curl.Output + curl.Error + serve.Log);
        Assert.Contains("<GetCallerIdentityResult>", curl.Output, StringComparison.Ordinal);
        // One CreateSession for the server's warm-up; the proxied call was answered from the same cache.
        Assert.Single(_cli.Fake.Issued);
        Assert.Contains("openrolesanywhere_proxy_requests_total{service=\"sts\",status=\"200\"} 1", metrics, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "--region", "us-east-1" }, "Give --service, the signing name of the AWS service")]
    [InlineData(new[] { "--service", "sts" }, "Give --region, the region of the service to forward to")]
    [InlineData(new[] { "--service", "STS!", "--region", "us-east-1" }, "--service: 'STS!' is not an AWS signing name")]
    [InlineData(new[] { "--service", "sts", "--region", "us-east-1", "--upstream", "ftp://x" }, "--upstream 'ftp://x' is not an http(s) URL")]
    [InlineData(new[] { "--service", "sts", "--region", "us-east-1", "--listen", "http://0.0.0.0:9913" }, "reachable from other machines")]
    public async Task Proxy_BadFlags_UsageErrorNamingTheFlag(string[] flags, string expected)
    {
        var (exitCode, _, error) = await _cli.RunProcessAsync(["proxy", .. _sourceFlags, .. flags]);

        Assert.Equal(2, exitCode);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_ProxyFlagsWithoutProxyListen_UsageError()
    {
        var (exitCode, _, error) = await _cli.RunAsync(["serve", .. _sourceFlags, "--proxy-service", "sts"]);

        Assert.Equal(2, exitCode);
        Assert.Contains("need --proxy-listen", error, StringComparison.Ordinal);
    }

    /// <summary>curl against the proxy until it listens (or the process exits, or a minute passes).</summary>
    private static async Task<ProcessRunner.Result> CurlUntilListeningAsync(int port, Process proxy)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var curl = await ProcessRunner.RunAsync("curl", ["-sS", "--fail-with-body", "--data", GetCallerIdentity, $"http://127.0.0.1:{port}/"]);
            // 7: could not connect, not listening yet.
            if (curl.ExitCode != 7 || proxy.HasExited || DateTime.UtcNow > deadline)
            {
                return curl;
            }

            await Task.Delay(100);
        }
    }
}
