using OpenRolesAnywhere.TestCommon;

namespace OpenRolesAnywhere.Server.Tests;

/// <summary>
/// <c>@aws-sdk/credential-providers</c> from npm, installed once under artifacts/ (the JS SDK rejects
/// expirations with an offset and uses only host and port of the IMDS endpoint).
/// </summary>
public sealed class JsSdkJudge : IAsyncLifetime
{
    public const string Package = "@aws-sdk/credential-providers@3.1173.0";

    public string Directory { get; } = Path.Combine(ProcessRunner.RepositoryRoot(), "artifacts", "js-sdk-judge");

    public string Script => Path.Combine(Directory, "credentials.js");

    public async Task InitializeAsync()
    {
        System.IO.Directory.CreateDirectory(Directory);
        if (!System.IO.Directory.Exists(Path.Combine(Directory, "node_modules", "@aws-sdk", "credential-providers")))
        {
            var install = await ProcessRunner.RunAsync("npm", ["install", "--no-audit", "--no-fund", "--prefix", Directory, Package], timeout: TimeSpan.FromMinutes(3));
            Assert.True(install.ExitCode == 0, "npm install failed: " + install.Error);
        }

        await File.WriteAllTextAsync(Script, """
            const providers = require('@aws-sdk/credential-providers');
            const make = {
              container: () => providers.fromContainerMetadata({ timeout: 2000, maxRetries: 0 }),
              http: () => providers.fromHttp({ timeout: 2000, maxRetries: 0 }),
              imds: () => providers.fromInstanceMetadata({ timeout: 2000, maxRetries: 0 }),
            }[process.argv[2]];
            make()().then(c => console.log([c.accessKeyId, c.secretAccessKey, c.sessionToken, c.expiration.toISOString()].join('\n')))
              .catch(e => { console.error(e.name + ': ' + e.message); process.exit(1); });
            """);
    }

    public Task DisposeAsync() => Task.CompletedTask;
}

public sealed class JsSdkClientTests(JsSdkJudge judge) : IClassFixture<JsSdkJudge>, IAsyncLifetime
{
    private RunningServer _server = null!;

    public async Task InitializeAsync() => _server = await RunningServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task FromContainerMetadata_InlineToken_GetsTheServedCredentials()
    {
        var variables = ServerEnvironment.Variables(_server.BaseAddress.ToString(), _server.TokenFile, token: _server.Token);

        await AssertServedAsync("container", variables);
    }

    [Fact]
    public async Task FromHttp_TokenFile_GetsTheServedCredentials()
    {
        var variables = ServerEnvironment.Variables(_server.BaseAddress.ToString(), _server.TokenFile);

        await AssertServedAsync("http", variables);
    }

    [Fact]
    public async Task FromInstanceMetadata_ImdsV2_GetsTheServedCredentials()
    {
        var variables = ServerEnvironment.Variables(_server.BaseAddress.ToString(), _server.TokenFile)
            .Where(v => v.Key == "AWS_EC2_METADATA_SERVICE_ENDPOINT");

        await AssertServedAsync("imds", variables);
    }

    private async Task AssertServedAsync(string provider, IEnumerable<KeyValuePair<string, string>> variables)
    {
        var environment = new Dictionary<string, string?>
        {
            ["NODE_PATH"] = Path.Combine(judge.Directory, "node_modules"),
            ["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = null,
            ["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = null,
            ["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] = null,
            ["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = null,
        };
        foreach (var (name, value) in variables)
        {
            environment[name] = value;
        }

        var result = await ProcessRunner.RunAsync("node", [judge.Script, provider], environment, TimeSpan.FromSeconds(30));

        Assert.True(result.ExitCode == 0, result.Error);
        using var response = await _server.Client.SendAsync(_server.ContainerRequest());
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var served = json.RootElement;
        string[] expected =
        [
            served.GetProperty("AccessKeyId").GetString()!,
            served.GetProperty("SecretAccessKey").GetString()!,
            served.GetProperty("Token").GetString()!,
            served.GetProperty("Expiration").GetString()!.Replace("Z", ".000Z", StringComparison.Ordinal),
        ];
        Assert.Equal(expected, result.Output.TrimEnd().Split('\n'));
    }
}
