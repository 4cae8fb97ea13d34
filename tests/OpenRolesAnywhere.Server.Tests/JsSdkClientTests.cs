using OpenRolesAnywhere.TestCommon;

namespace OpenRolesAnywhere.Server.Tests;

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
