using Amazon.Runtime;
using Amazon.Runtime.Internal;

namespace OpenRolesAnywhere.Server.Tests;

/// <summary>
/// The AWS SDK for .NET's own container and instance-profile providers as judges. They read process-wide
/// environment variables, hence the non-parallel collection.
/// </summary>
[Collection(ProcessEnvironment.Name)]
public sealed class DotNetSdkClientTests : IAsyncLifetime
{
    private static readonly string[] Variables =
        ["AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS_EC2_METADATA_SERVICE_ENDPOINT", "AWS_EC2_METADATA_DISABLED"];

    private RunningServer _server = null!;

    public async Task InitializeAsync() => _server = await RunningServer.StartAsync();

    public async Task DisposeAsync()
    {
        foreach (var variable in Variables)
        {
            Environment.SetEnvironmentVariable(variable, null);
        }

        FallbackInternalConfigurationFactory.Reset();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task GenericContainerCredentials_TokenFile_GetsTheServedCredentials()
    {
        SetEnvironment(ServerEnvironment.Variables(_server.BaseAddress.ToString(), _server.TokenFile));

        var credentials = await new GenericContainerCredentials().GetCredentialsAsync();

        await AssertServedAsync(credentials);
    }

    [Fact]
    public async Task GenericContainerCredentials_WrongToken_FailsWithoutCredentials()
    {
        var wrong = Path.Combine(_server.Directory, "wrong.token");
        await File.WriteAllTextAsync(wrong, "not-the-token");
        SetEnvironment(ServerEnvironment.Variables(_server.BaseAddress.ToString(), wrong));

        await Assert.ThrowsAnyAsync<Exception>(() => new GenericContainerCredentials().GetCredentialsAsync());
    }

    [Fact]
    public async Task InstanceProfileCredentials_ImdsV2_ListsTheRoleAndGetsTheServedCredentials()
    {
        Environment.SetEnvironmentVariable("AWS_EC2_METADATA_SERVICE_ENDPOINT", _server.BaseAddress + "");
        // The SDK reads the IMDS endpoint once per process, when any AWS client or config is first made:
        // re-read now, as a process started with this environment would, whatever ran before in this one.
        FallbackInternalConfigurationFactory.Reset();

        var roles = InstanceProfileAWSCredentials.GetAvailableRoles();
        var credentials = await new InstanceProfileAWSCredentials().GetCredentialsAsync();

        Assert.Equal(["default"], roles);
        await AssertServedAsync(credentials);
    }

    private static void SetEnvironment(IEnumerable<KeyValuePair<string, string>> variables)
    {
        foreach (var (name, value) in variables.Where(v => v.Key.StartsWith("AWS_CONTAINER", StringComparison.Ordinal)))
        {
            Environment.SetEnvironmentVariable(name, value);
        }
    }

    private async Task AssertServedAsync(ImmutableCredentials credentials)
    {
        using var response = await _server.Client.SendAsync(_server.ContainerRequest());
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var served = json.RootElement;
        Assert.Equal(served.GetProperty("AccessKeyId").GetString(), credentials.AccessKey);
        Assert.Equal(served.GetProperty("SecretAccessKey").GetString(), credentials.SecretKey);
        Assert.Equal(served.GetProperty("Token").GetString(), credentials.Token);
    }
}
