using System.Text.Json;
using OpenRolesAnywhere.TestCommon;
using OpenRolesAnywhere.TestCommon.FakeRolesAnywhere;

namespace OpenRolesAnywhere.Cli.Tests;

/// <summary>Issue 12: <c>env</c> gives the region and says when nothing serves; <c>serve</c>'s log says each thing once.</summary>
public sealed partial class ServeCommandTests
{
    [Fact]
    public async Task Env_ServerRunning_PrintsTheSourcesRegionSoTheAwsCliNeedsNoOther()
    {
        await using var serve = await ServeProcess.StartAsync(_sourceFlags, _environment);
        var environment = new Dictionary<string, string?>(_environment) { ["AWS_EC2_METADATA_DISABLED"] = "true", ["AWS_DEFAULT_REGION"] = null, ["AWS_REGION"] = null };

        var lines = await EnvLinesAsync(serve, "--listen", serve.BaseAddress.ToString());
        foreach (var line in lines)
        {
            var (name, value) = (line[..line.IndexOf('=', StringComparison.Ordinal)], line[(line.IndexOf('=', StringComparison.Ordinal) + 1)..]);
            environment[name] = value;
        }

        var result = await CliHarness.AwsCliCallerIdentityAsync(_cli.Sts, environment);

        Assert.Contains($"AWS_REGION={FakeRolesAnywhereServer.Region}", lines);
        Assert.Contains($"AWS_DEFAULT_REGION={FakeRolesAnywhereServer.Region}", lines);
        Assert.True(result.ExitCode == 0, result.Error + serve.Log);
    }

    [Fact]
    public async Task Env_NoServerListening_WarnsOnStandardErrorAndStillPrintsTheVariables()
    {
        var address = $"http://127.0.0.1:{TestCommon.LoopbackHost.FreePort.Next()}";

        var (exitCode, output, error) = await _cli.RunAsync("env", "--listen", address);

        Assert.Equal(0, exitCode);
        Assert.Contains($"warning: no openrolesanywhere server answers at {address}", error, StringComparison.Ordinal);
        Assert.Contains("start `openrolesanywhere serve`", error, StringComparison.Ordinal);
        Assert.Equal(3, output.TrimEnd().Split('\n').Length);
        Assert.DoesNotContain("AWS_REGION", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Env_SourceTheServerDoesNotHave_WarnsNamingTheSourcesItHas()
    {
        await using var serve = await ServeProcess.StartAsync(_sourceFlags, _environment);

        var (exitCode, output, error) = await _cli.RunAsync("env", "--listen", serve.BaseAddress.ToString(), "--source", "nosuch");

        Assert.Equal(0, exitCode);
        Assert.Contains("has no source named 'nosuch' (it has: default)", error, StringComparison.Ordinal);
        Assert.Contains("/v1/credentials/nosuch", output, StringComparison.Ordinal);
        Assert.DoesNotContain("AWS_REGION", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_StartAndALocalLookupMiss_OneListeningLinePerAddressNoHostingBoilerplateNoWarning()
    {
        await using var serve = await ServeProcess.StartAsync(_sourceFlags, _environment);
        // A credential-process for another source: the server answers 404 on its socket and the client signs itself.
        var other = await CliExecutable.RunAsync(["credential-process", .. _sourceFlags, "--session-duration", "7200"], _environment, TimeSpan.FromSeconds(60));
        Assert.True(other.ExitCode == 0, other.Error);
        await serve.TerminateAsync();

        var lines = serve.Log.Split('\n');
        Assert.Single(lines, l => l.Contains("Listening on http://127.0.0.1:", StringComparison.Ordinal));
        Assert.Single(lines, l => l.Contains("Listening on http://unix:", StringComparison.Ordinal));
        Assert.DoesNotContain("Now listening", serve.Log, StringComparison.Ordinal);
        Assert.DoesNotContain("Hosting environment", serve.Log, StringComparison.Ordinal);
        Assert.DoesNotContain("Content root path", serve.Log, StringComparison.Ordinal);
        Assert.DoesNotContain("responded 404", serve.Log, StringComparison.Ordinal);
        Assert.DoesNotContain(" WRN]", serve.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_JsonLogFormat_ServingLineWithoutStrayQuotes()
    {
        await using var serve = await ServeProcess.StartAsync([.. _sourceFlags, "--log-format", "json"], _environment);
        await serve.TerminateAsync();

        var line = Assert.Single(serve.Log.Split('\n'), l => l.Contains("Serving source", StringComparison.Ordinal));

        using var json = JsonDocument.Parse(line);
        Assert.Equal("Serving source \"default\" (default)", json.RootElement.GetProperty("@m").GetString());
    }
}
