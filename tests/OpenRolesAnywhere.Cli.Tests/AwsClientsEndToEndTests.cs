using OpenRolesAnywhere.TestCommon;
using OpenRolesAnywhere.TestCommon.FakeRolesAnywhere;
using OpenRolesAnywhere.TestCommon.SshAgent;

namespace OpenRolesAnywhere.Cli.Tests;

/// <summary>
/// The real AWS clients as judges: botocore and the AWS CLI run <c>credential_process</c> from a
/// config file, spawning our built CLI, and the AWS CLI then signs an STS call with what it got.
/// </summary>
public sealed class AwsClientsEndToEndTests : IClassFixture<SshAgentFixture>, IAsyncLifetime
{
    private readonly SshAgentFixture _agent;
    private CliHarness _cli = null!;

    public AwsClientsEndToEndTests(SshAgentFixture agent)
    {
        _agent = agent;
    }

    public async Task InitializeAsync()
    {
        _cli = await CliHarness.StartAsync(sts: true);
    }

    public async Task DisposeAsync()
    {
        await _cli.DisposeAsync();
    }

    private string[] FileKeyArguments()
    {
        var (certificate, key) = _cli.FileIdentity("rsa2048");
        return ["--certificate", certificate, "--private-key", key, .. _cli.ArnFlags()];
    }

    [Fact]
    public async Task Botocore_CredentialProcessProfile_GetsTheIssuedCredentials()
    {
        var environment = _cli.AwsConfig(FileKeyArguments());

        var result = await CliHarness.BotocoreCredentialsAsync(environment);

        Assert.True(result.ExitCode == 0, result.Error);
        var issued = Assert.Single(_cli.Fake.Issued);
        Assert.Equal([issued.AccessKeyId, issued.SecretAccessKey, issued.SessionToken], result.Output.TrimEnd().Split('\n'));
    }

    [Fact]
    public async Task AwsCli_CredentialProcessProfile_SignsAnStsCallThatVerifies()
    {
        var environment = _cli.AwsConfig(FileKeyArguments());

        var result = await CliHarness.AwsCliCallerIdentityAsync(_cli.Sts, environment);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains($"\"Account\": \"{FakeRolesAnywhereServer.Account}\"", result.Output, StringComparison.Ordinal);
        Assert.Equal(Assert.Single(_cli.Fake.Issued).AccessKeyId, Assert.Single(_cli.Sts.AcceptedAccessKeys));
    }

    [Fact]
    public async Task AwsCli_SshAgentKeyAndNamedCertificate_TheOriginalReadmeFlowWorks()
    {
        var config = _cli.Temp.File("xdg");
        Directory.CreateDirectory(Path.Combine(config, "openrolesanywhere"));
        File.Copy(_cli.CertificateFor(_agent.EcdsaP256.PublicKey!, [FakeRolesAnywhereServer.TrustAnchorArn, FakeRolesAnywhereServer.ProfileArn]),
            Path.Combine(config, "openrolesanywhere", "mycert.pem"));
        var environment = _cli.AwsConfig(["--name", "mycert", "--role-arn", FakeRolesAnywhereServer.RoleArn, "--endpoint", _cli.Fake.Endpoint.ToString()]);
        environment["XDG_CONFIG_HOME"] = config;
        environment["SSH_AUTH_SOCK"] = _agent.SocketPath;

        var result = await CliHarness.AwsCliCallerIdentityAsync(_cli.Sts, environment);

        Assert.True(result.ExitCode == 0, result.Error);
        var issued = Assert.Single(_cli.Fake.Issued);
        Assert.Equal("AWS4-X509-ECDSA-SHA256", issued.Algorithm);
        Assert.Equal(issued.AccessKeyId, Assert.Single(_cli.Sts.AcceptedAccessKeys));
    }

    [Fact]
    public async Task AwsCli_CredentialProcessFails_ShowsOurMessageAndNoCredentials()
    {
        var (certificate, key) = _cli.FileIdentity(notAfter: DateTimeOffset.UtcNow.AddDays(-1));
        var environment = _cli.AwsConfig(["--certificate", certificate, "--private-key", key, .. _cli.ArnFlags()]);

        var result = await CliHarness.AwsCliCallerIdentityAsync(_cli.Sts, environment);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("expired", result.Error, StringComparison.Ordinal);
        Assert.Empty(_cli.Sts.AcceptedAccessKeys);
    }
}
