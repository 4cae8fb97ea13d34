using System.Text.Json;
using OpenRolesAnywhere.TestCommon;
using OpenRolesAnywhere.TestCommon.FakeRolesAnywhere;
using OpenRolesAnywhere.TestCommon.SshAgent;

namespace OpenRolesAnywhere.Cli.Tests;

/// <summary>
/// <c>serve</c> as a real process signing with a real ssh-agent key against the verifying fake Roles
/// Anywhere, judged by the AWS CLI and botocore (container endpoint and IMDS), by <c>credential-process</c>
/// sharing its cache over the Unix socket, and by SIGTERM.
/// </summary>
public sealed partial class ServeCommandTests : IClassFixture<SshAgentFixture>, IAsyncLifetime
{
    private readonly SshAgentFixture _agent;
    private CliHarness _cli = null!;
    private Dictionary<string, string?> _environment = null!;
    private string[] _sourceFlags = null!;

    public ServeCommandTests(SshAgentFixture agent)
    {
        _agent = agent;
    }

    public async Task InitializeAsync()
    {
        _cli = await CliHarness.StartAsync(sts: true);
        _environment = _cli.ServeEnvironment(_agent.SocketPath);
        _sourceFlags = ["--certificate", _cli.CertificateFor(_agent.EcdsaP256.PublicKey!), .. _cli.ArnFlags()];
    }

    public async Task DisposeAsync()
    {
        await _cli.DisposeAsync();
    }

    [Fact]
    public async Task Serve_AwsCliThroughContainerEndpoint_SignsAnStsCallThatVerifies()
    {
        await using var serve = await ServeProcess.StartAsync(_sourceFlags, _environment);
        var environment = new Dictionary<string, string?>(_environment) { ["AWS_EC2_METADATA_DISABLED"] = "true" };
        foreach (var line in await EnvLinesAsync(serve, "--listen", serve.BaseAddress.ToString()))
        {
            var (name, value) = (line[..line.IndexOf('=', StringComparison.Ordinal)], line[(line.IndexOf('=', StringComparison.Ordinal) + 1)..]);
            environment[name] = value;
        }

        var result = await CliHarness.AwsCliCallerIdentityAsync(_cli.Sts, environment);

        Assert.True(result.ExitCode == 0, result.Error + serve.Log);
        var issued = Assert.Single(_cli.Fake.Issued);
        Assert.Equal("AWS4-X509-ECDSA-SHA256", issued.Algorithm);
        Assert.Equal(issued.AccessKeyId, Assert.Single(_cli.Sts.AcceptedAccessKeys));
    }

    [Fact]
    public async Task Serve_BotocoreThroughImds_GetsTheIssuedCredentials()
    {
        await using var serve = await ServeProcess.StartAsync(_sourceFlags, _environment);
        var environment = new Dictionary<string, string?>(_environment)
        {
            ["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = serve.BaseAddress + "",
            ["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = null,
        };

        var result = await ProcessRunner.RunAsync("python3",
            ["-c", "import botocore.session; c = botocore.session.Session().get_credentials(); print(c.method); f = c.get_frozen_credentials(); print(f.access_key); print(f.secret_key); print(f.token)"],
            environment, TimeSpan.FromSeconds(60));

        Assert.True(result.ExitCode == 0, result.Error + serve.Log);
        var issued = Assert.Single(_cli.Fake.Issued);
        Assert.Equal(["iam-role", issued.AccessKeyId, issued.SecretAccessKey, issued.SessionToken], result.Output.TrimEnd().Split('\n'));
    }

    [Fact]
    public async Task CredentialProcess_ServerRunningForTheSameSource_AnswersFromItsCacheWithoutCreateSession()
    {
        await using var serve = await ServeProcess.StartAsync(_sourceFlags, _environment);
        Assert.Equal(1, _cli.Fake.Calls);

        var result = await CliExecutable.RunAsync(["credential-process", .. _sourceFlags], _environment, TimeSpan.FromSeconds(60));

        Assert.True(result.ExitCode == 0, result.Error);
        using var json = JsonDocument.Parse(result.Output);
        var issued = Assert.Single(_cli.Fake.Issued);
        Assert.Equal(issued.AccessKeyId, json.RootElement.GetProperty("AccessKeyId").GetString());
        Assert.Equal(issued.SessionToken, json.RootElement.GetProperty("SessionToken").GetString());
        Assert.Equal(1, _cli.Fake.Calls);
    }

    [Theory]
    [InlineData("role")]
    [InlineData("duration")]
    [InlineData("session name")]
    [InlineData("key")]
    [InlineData("certificate")]
    public async Task CredentialProcess_ServerRunningForAnotherSource_SignsItselfAndNeverGetsTheServersCredentials(string differs)
    {
        const string otherRole = $"arn:aws:iam::{FakeRolesAnywhereServer.Account}:role/other";
        _cli.Fake.ProfileRoles.Add(otherRole);
        await using var serve = await ServeProcess.StartAsync(_sourceFlags, _environment);
        var served = Assert.Single(_cli.Fake.Issued);
        string[] asked = differs switch
        {
            // Only the one thing named differs from the server's source.
            "role" => With(_sourceFlags, "--role-arn", otherRole),
            "duration" => [.. _sourceFlags, "--session-duration", "7200"],
            "session name" => [.. _sourceFlags, "--role-session-name", "other"],
            // The same agent key, named by fingerprint rather than matched to the certificate.
            "key" => [.. _sourceFlags, "--ssh-fingerprint", _agent.EcdsaP256.Fingerprint],
            _ => ["--certificate", _cli.CertificateFor(_agent.EcdsaP256.PublicKey!), .. _cli.ArnFlags()],
        };

        var result = await CliExecutable.RunAsync(["credential-process", .. asked], _environment, TimeSpan.FromSeconds(60));

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal(2, _cli.Fake.Calls);
        var own = Assert.Single(_cli.Fake.Issued, i => i.AccessKeyId != served.AccessKeyId);
        using var json = JsonDocument.Parse(result.Output);
        Assert.Equal(own.AccessKeyId, json.RootElement.GetProperty("AccessKeyId").GetString());
        Assert.DoesNotContain(served.SecretAccessKey, result.Output, StringComparison.Ordinal);
        Assert.Equal(differs == "role" ? otherRole : FakeRolesAnywhereServer.RoleArn, own.RoleArn);
    }

    private static string[] With(string[] flags, string flag, string value) =>
        [.. flags.Select((f, i) => i > 0 && flags[i - 1] == flag ? value : f)];

    [Theory]
    [InlineData("TERM")]
    [InlineData("INT")]
    public async Task Serve_StopSignal_ExitsCleanlyAndRemovesItsSocket(string signal)
    {
        await using var serve = await ServeProcess.StartAsync(_sourceFlags, _environment);
        var socket = Path.Combine(_environment["XDG_RUNTIME_DIR"]!, "openrolesanywhere", "server.sock");
        Assert.True(File.Exists(socket));

        var exitCode = await serve.TerminateAsync(signal);

        Assert.Equal(0, exitCode);
        Assert.False(File.Exists(socket));
        Assert.True(File.Exists(Path.Combine(_environment["XDG_RUNTIME_DIR"]!, "openrolesanywhere", "server.token")));
    }

    [Fact]
    public async Task Serve_SystemdSocketActivation_ServesOnThePassedSocket()
    {
        var port = TestCommon.LoopbackHost.FreePort.Next();
        // systemd-socket-activate passes the executed process only the variables named with -E.
        string[] launcher = ["systemd-socket-activate", "-l", $"127.0.0.1:{port}", .. _environment.Where(v => v.Value is not null).SelectMany(v => new[] { "-E", $"{v.Key}={v.Value}" })];
        await using var serve = await ServeProcess.StartAsync(_sourceFlags, _environment, port, launcher);

        using var http = new HttpClient { BaseAddress = serve.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/credentials");
        request.Headers.TryAddWithoutValidation("Authorization", await File.ReadAllTextAsync(Path.Combine(_environment["XDG_RUNTIME_DIR"]!, "openrolesanywhere", "server.token")));
        using var response = await http.SendAsync(request);

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("systemd passed 1 listening socket", serve.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_JsonLogFormat_WritesOneJsonObjectPerLineWithoutSecrets()
    {
        await using var serve = await ServeProcess.StartAsync([.. _sourceFlags, "--log-format", "json"], _environment);
        await serve.TerminateAsync();
        var token = await File.ReadAllTextAsync(Path.Combine(_environment["XDG_RUNTIME_DIR"]!, "openrolesanywhere", "server.token"));

        var lines = serve.Log.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        Assert.Contains(lines, l => l.Contains("Fetched credentials", StringComparison.Ordinal));
        Assert.All(lines, line =>
        {
            using var json = JsonDocument.Parse(line);
            Assert.True(json.RootElement.TryGetProperty("@t", out _), line);
            Assert.True(json.RootElement.TryGetProperty("@m", out _), line);
        });
        var issued = Assert.Single(_cli.Fake.Issued);
        Assert.DoesNotContain(issued.SecretAccessKey, serve.Log, StringComparison.Ordinal);
        Assert.DoesNotContain(issued.SessionToken, serve.Log, StringComparison.Ordinal);
        Assert.DoesNotContain(token, serve.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_InvalidConfig_ExitsWithUsageCodeNamingTheField()
    {
        var config = _cli.Temp.File("serve.json");
        await File.WriteAllTextAsync(config, """{"Sources":[{"Name":"a","Certificate":"a.pem","RoleArn":"arn:aws:iam::1:role/a","SessionDuration":"1y"}]}""");

        var (exitCode, _, error) = await _cli.RunAsync("serve", "--config", config, "--listen", "http://127.0.0.1:0", "--no-socket", "--token-file", _cli.Temp.File("t"));

        Assert.Equal(2, exitCode);
        Assert.Contains("Sources[0].SessionDuration", error, StringComparison.Ordinal);
    }

    /// <summary>Options binding (source-generated in the native build), named sources and prometheus-net, in the executable.</summary>
    [Fact]
    public async Task Serve_ConfigFileInTheExecutable_ServesTheNamedSourceAndCountsItInMetrics()
    {
        var config = _cli.Temp.File("serve.json");
        await File.WriteAllTextAsync(config, JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["Sources"] = new[]
            {
                new Dictionary<string, object>
                {
                    ["Name"] = "work", ["Certificate"] = _sourceFlags[1], ["SessionDuration"] = "30m",
                    ["TrustAnchorArn"] = FakeRolesAnywhereServer.TrustAnchorArn, ["ProfileArn"] = FakeRolesAnywhereServer.ProfileArn,
                    ["RoleArn"] = FakeRolesAnywhereServer.RoleArn, ["Endpoint"] = _cli.Fake.Endpoint.ToString(),
                },
            },
        }));
        await using var serve = await ServeProcess.StartAsync(["--config", config], _environment);
        var token = await File.ReadAllTextAsync(Path.Combine(_environment["XDG_RUNTIME_DIR"]!, "openrolesanywhere", "server.token"));
        using var http = new HttpClient { BaseAddress = serve.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/credentials/work") { Headers = { { "Authorization", token.Trim() } } };

        using var response = await http.SendAsync(request);
        var metrics = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));

        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync() + serve.Log);
        using var credentials = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var issued = Assert.Single(_cli.Fake.Issued);
        Assert.Equal(issued.AccessKeyId, credentials.RootElement.GetProperty("AccessKeyId").GetString());
        Assert.InRange(issued.Expiration - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(29), TimeSpan.FromMinutes(31));
        Assert.Contains("openrolesanywhere_create_session_calls_total{source=\"work\"} 1", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_InvalidConfigInTheExecutable_SameExitCodeAndMessageAsInProcess()
    {
        var config = _cli.Temp.File("serve.json");
        await File.WriteAllTextAsync(config, """{"Sources":[{"Name":"a","Certificate":"a.pem","RoleArn":"arn:aws:iam::1:role/a","SessionDuration":"1y"}]}""");
        string[] args = ["serve", "--config", config, "--listen", "http://127.0.0.1:0", "--no-socket", "--token-file", _cli.Temp.File("t")];

        var inProcess = await _cli.RunAsync(args);
        var executable = await _cli.RunProcessAsync(args);

        Assert.Equal(2, executable.ExitCode);
        Assert.Contains("Sources[0].SessionDuration", executable.Error, StringComparison.Ordinal);
        Assert.Equal(inProcess.Error, executable.Error);
    }

    [Fact]
    public async Task Serve_NonLoopbackWithoutAllowRemote_ExitsWithUsageCode()
    {
        var (exitCode, _, error) = await _cli.RunAsync(["serve", "--listen", "http://0.0.0.0:9911", .. _sourceFlags]);

        Assert.Equal(2, exitCode);
        Assert.Contains("--allow-remote", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Env_Defaults_PrintsTheThreeVariablesWithTrailingSlash()
    {
        _cli.Environment["XDG_RUNTIME_DIR"] = "/run/user/1000";

        var (exitCode, output, error) = await _cli.RunAsync("env");

        Assert.True(exitCode == 0, error);
        Assert.Equal(
            [
                "AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1:9911/v1/credentials",
                "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=/run/user/1000/openrolesanywhere/server.token",
                "AWS_EC2_METADATA_SERVICE_ENDPOINT=http://127.0.0.1:9911/",
            ],
            output.TrimEnd().Split('\n'));
    }

    [Fact]
    public async Task Env_InlineTokenAndExport_PrintsTheTokenInsteadOfTheFileQuotedForAShell()
    {
        var tokenFile = _cli.Temp.File("token");
        await File.WriteAllTextAsync(tokenFile, "tok'en");

        var (exitCode, output, error) = await _cli.RunAsync("env", "--token", "--export", "--token-file", tokenFile, "--listen", "http://0.0.0.0:8080", "--source", "dev");

        Assert.True(exitCode == 0, error);
        Assert.Equal(
            [
                "export AWS_CONTAINER_CREDENTIALS_FULL_URI='http://127.0.0.1:8080/v1/credentials/dev'",
                "export AWS_CONTAINER_AUTHORIZATION_TOKEN='tok'\\''en'",
                "export AWS_EC2_METADATA_SERVICE_ENDPOINT='http://127.0.0.1:8080/'",
            ],
            output.TrimEnd().Split('\n'));
        Assert.DoesNotContain("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Env_InlineTokenWithoutServer_SaysToStartIt()
    {
        var (exitCode, _, error) = await _cli.RunAsync("env", "--token", "--token-file", _cli.Temp.File("absent"));

        Assert.Equal(2, exitCode);
        Assert.Contains("start `openrolesanywhere serve` first", error, StringComparison.Ordinal);
    }

    private async Task<string[]> EnvLinesAsync(ServeProcess serve, params string[] arguments)
    {
        foreach (var (name, value) in _environment)
        {
            _cli.Environment[name] = value;
        }

        var (exitCode, output, error) = await _cli.RunAsync(["env", .. arguments]);
        Assert.True(exitCode == 0, error + serve.Log);
        return output.TrimEnd().Split('\n');
    }
}
