using System.Diagnostics;
using OpenRolesAnywhere.TestCommon;
using OpenRolesAnywhere.TestCommon.FakeRolesAnywhere;
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
    private string[] _sourceFlags = null!;
    private Dictionary<string, string?> _environment = null!;

    public async Task InitializeAsync()
    {
        _cli = await CliHarness.StartAsync(sts: true);
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
        await _cli.DisposeAsync();
    }

    [Fact]
    public async Task Proxy_CurlThroughTheNativeExecutable_StsAcceptsTheSignatureAndAnswersTheIdentity()
    {
        var port = FreePort.Next();
        var (curl, logged) = await RunProxyAsync(["--service", "sts", "--region", "us-east-1", "--upstream", _cli.Sts.Endpoint.ToString(), "--listen", $"http://127.0.0.1:{port}"], port, "/");

        Assert.True(curl.ExitCode == 0, curl.Output + curl.Error);
        Assert.Contains($"<Account>{FakeRolesAnywhereServer.Account}</Account>", curl.Output, StringComparison.Ordinal);
        Assert.Equal(_cli.Fake.Issued.Select(s => s.AccessKeyId), _cli.Sts.AcceptedAccessKeys.Distinct());
        Assert.Contains($"Listening on http://127.0.0.1:{port}", logged, StringComparison.Ordinal);
        Assert.DoesNotContain(_cli.Fake.Issued.First().SecretAccessKey, logged, StringComparison.Ordinal);
        Assert.DoesNotContain("AWS_CONTAINER_CREDENTIALS_FULL_URI", logged, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Proxy_RoutesFromConfigFile_CurlThroughThePrefixReachesStsUnroutedPathIs404()
    {
        var port = FreePort.Next();
        var config = _cli.Temp.File("proxy-routes.json");
        await File.WriteAllTextAsync(config, $$"""{"ProxyRoutes": [{"PathPrefix": "/sts", "Service": "sts", "Region": "us-east-1", "Source": "default", "Upstream": "{{_cli.Sts.Endpoint}}"}]}""");
        ProcessRunner.Result unrouted = null!;

        var (curl, logged) = await RunProxyAsync(["--config", config, "--listen", $"http://127.0.0.1:{port}"], port, "/sts",
            async () => unrouted = await ProcessRunner.RunAsync("curl", ["-sS", "-w", "%{http_code}", "--data", GetCallerIdentity, $"http://127.0.0.1:{port}/other"]));

        Assert.True(curl.ExitCode == 0, curl.Output + curl.Error + logged);
        Assert.Contains("<GetCallerIdentityResult>", curl.Output, StringComparison.Ordinal);
        Assert.Equal(_cli.Fake.Issued.Select(s => s.AccessKeyId), _cli.Sts.AcceptedAccessKeys.Distinct());
        Assert.EndsWith("404", unrouted.Output, StringComparison.Ordinal);
        Assert.Contains("No route takes the path '/other': the routes are /sts", unrouted.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Proxy_ConfigRouteNamingAnUnknownSource_UsageErrorNamingTheField()
    {
        var config = _cli.Temp.File("proxy-bad-route.json");
        await File.WriteAllTextAsync(config, """{"ProxyRoutes": [{"PathPrefix": "/sts", "Service": "sts", "Region": "us-east-1", "Source": "nope"}]}""");

        var (exitCode, _, error) = await _cli.RunProcessAsync(["proxy", .. _sourceFlags, "--config", config, "--listen", $"http://127.0.0.1:{FreePort.Next()}"]);

        Assert.Equal(2, exitCode);
        Assert.Contains("ProxyRoutes[0].Source: no source is named 'nope' (configured: default)", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_WithProxyListen_CurlThroughTheProxyShareTheCacheWithTheCredentialListener()
    {
        var port = FreePort.Next();
        await using var serve = await ServeProcess.StartAsync(
            [.. _sourceFlags, "--no-socket", "--proxy-listen", $"http://127.0.0.1:{port}", "--proxy-service", "sts", "--proxy-region", "us-east-1", "--proxy-upstream", _cli.Sts.Endpoint.ToString()],
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

    /// <summary>
    /// <c>proxy</c> with the source flags and <paramref name="flags"/> as a process: curl to <paramref name="path"/> once it
    /// listens, then <paramref name="more"/>; the proxy is stopped and its log returned with curl's result.
    /// </summary>
    private async Task<(ProcessRunner.Result Curl, string Log)> RunProxyAsync(string[] flags, int port, string path, Func<Task>? more = null)
    {
        var start = new ProcessStartInfo("env") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in CliExecutable.CommandLine(["proxy", .. _sourceFlags, .. flags]))
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
        ProcessRunner.Result curl;
        try
        {
            curl = await CurlUntilListeningAsync(port, path, proxy);
            if (more is not null)
            {
                await more();
            }
        }
        finally
        {
            proxy.Kill();
            await proxy.WaitForExitAsync();
        }

        return (curl, await log + await output);
    }

    /// <summary>curl against the proxy until it listens (or the process exits, or a minute passes).</summary>
    private static async Task<ProcessRunner.Result> CurlUntilListeningAsync(int port, string path, Process proxy)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var curl = await ProcessRunner.RunAsync("curl", ["-sS", "--fail-with-body", "--data", GetCallerIdentity, $"http://127.0.0.1:{port}{path}"]);
            // 7: could not connect, not listening yet.
            if (curl.ExitCode != 7 || proxy.HasExited || DateTime.UtcNow > deadline)
            {
                return curl;
            }

            await Task.Delay(100);
        }
    }
}
