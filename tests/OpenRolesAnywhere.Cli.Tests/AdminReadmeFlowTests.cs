using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using OpenRolesAnywhere.TestCommon;
using OpenRolesAnywhere.TestCommon.FakeKms;
using OpenRolesAnywhere.TestCommon.FakeRolesAnywhere;
using OpenRolesAnywhere.TestCommon.FakeRolesAnywhereControlPlane;
using OpenRolesAnywhere.TestCommon.SshAgent;

namespace OpenRolesAnywhere.Cli.Tests;

/// <summary>
/// The original README, end to end, with the built CLI run as a process the way an administrator and a
/// user run it: the AWS SDK inside finds credentials, region and endpoints in the environment; KMS and
/// the control plane are the verifying doubles; the user's key is in a real ssh-agent; CreateSession is
/// the verifying fake, trusting the CA that create-ca made.
/// </summary>
public sealed partial class AdminReadmeFlowTests : IClassFixture<SshAgentFixture>, IAsyncLifetime, IDisposable
{
    private const string AccessKeyId = "AKIAREADMEADMIN00001";
    private const string SecretAccessKey = "readme-admin-secret/0123456789abcdefghij";
    private readonly SshAgentFixture _agent;
    private readonly TempDirectory _home = new();
    private FakeKmsServer _kms = null!;
    private FakeRolesAnywhereControlPlaneServer _controlPlane = null!;

    public AdminReadmeFlowTests(SshAgentFixture agent)
    {
        _agent = agent;
    }

    public async Task InitializeAsync()
    {
        _kms = await FakeKmsServer.StartAsync(FakeRolesAnywhereServer.Region, AccessKeyId, SecretAccessKey);
        _controlPlane = await FakeRolesAnywhereControlPlaneServer.StartAsync(FakeRolesAnywhereServer.Region, AccessKeyId, SecretAccessKey);
        // The control plane hands out the ARNs the CreateSession fake knows.
        _controlPlane.NextTrustAnchorId = FakeRolesAnywhereServer.TrustAnchorArn.Split('/')[^1];
        _controlPlane.NextProfileId = FakeRolesAnywhereServer.ProfileArn.Split('/')[^1];
    }

    public async Task DisposeAsync()
    {
        await _kms.DisposeAsync();
        await _controlPlane.DisposeAsync();
    }

    public void Dispose() => _home.Dispose();

    [Fact]
    public async Task ReadmeFlow_AgentKeyCertifiedByKmsCa_GetsCredentialsUntilRevoked()
    {
        var key = _kms.AddKey(alias: "openrolesanywhere-ca");

        var createCa = await RunAsync(AdminEnvironment(), "admin", "create-ca", "--name", "NameOfYourChoice", "--kms-key-id", key.Id,
            "--validity-duration", "8760h", "--serial-number", "12345", "--common-name", "whateverYouWant", "--organization", "org");
        Assert.True(createCa.ExitCode == 0, createCa.Error);
        Assert.Contains(FakeRolesAnywhereServer.TrustAnchorArn, createCa.Output, StringComparison.Ordinal);

        var createProfile = await RunAsync(AdminEnvironment(), "admin", "create-profile", "--name", "SomeProfileName", "--session-duration", "3600s",
            "--role-arn", FakeRolesAnywhereServer.RoleArn, "--role-arn", "arn:aws:iam::123456789012:role/AnotherRoleName");
        Assert.True(createProfile.ExitCode == 0, createProfile.Error);
        Assert.Equal(2, Assert.Single(_controlPlane.Profiles).RoleArns.Count);

        var request = await RunAsync(UserEnvironment(null), "request-certificate", "--ssh-fingerprint", _agent.EcdsaP256.Fingerprint);
        Assert.True(request.ExitCode == 0, request.Error);
        var requestFile = _home.File("publickey.pem");
        await File.WriteAllTextAsync(requestFile, request.Output);

        var accept = await RunAsync(AdminEnvironment(), "admin", "accept-request", "--request-file", requestFile, "--validity-duration", "8760h",
            "--serial-number", "67890", "--common-name", "nameOfTheEnduser");
        Assert.True(accept.ExitCode == 0, accept.Error);
        // The README makes the CA and then a certificate of the same length: it is cut to the CA's end.
        Assert.Contains("ends with the CA certificate", accept.Error, StringComparison.Ordinal);
        await File.WriteAllTextAsync(Path.Combine(_home.Path, ".config", "openrolesanywhere", "mycert.pem"), accept.Output);

        var caPath = Path.Combine(_home.Path, ".config", "openrolesanywhere", "ca.pem");
        var verified = await ProcessRunner.RunAsync("openssl", ["verify", "-x509_strict", "-CAfile", caPath, Path.Combine(_home.Path, ".config", "openrolesanywhere", "mycert.pem")]);
        Assert.True(verified.ExitCode == 0, verified.Output + verified.Error);
        using var ca = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(caPath));
        await using var createSession = await FakeRolesAnywhereServer.StartAsync(ca);
        var credentials = await RunAsync(UserEnvironment(createSession.Endpoint), "credential-process", "--name", "mycert", "--role-arn", FakeRolesAnywhereServer.RoleArn);
        Assert.True(credentials.ExitCode == 0, credentials.Error);
        using (var document = JsonDocument.Parse(credentials.Output))
        {
            Assert.Equal(Assert.Single(createSession.Issued).AccessKeyId, document.RootElement.GetProperty("AccessKeyId").GetString());
        }

        var list = await RunAsync(AdminEnvironment(), "admin", "list-certificates");
        Assert.True(list.ExitCode == 0, list.Error);
        Assert.Contains("67890\tend-entity\tissued", list.Output, StringComparison.Ordinal);
        var revoke = await RunAsync(AdminEnvironment(), "admin", "revoke", "--serial", "67890", "--reason", "key-compromise");
        Assert.True(revoke.ExitCode == 0, revoke.Error);
        var publish = await RunAsync(AdminEnvironment(), "admin", "publish-crl");
        Assert.True(publish.ExitCode == 0, publish.Error);
        Assert.Contains("Imported CRL number 1 with 1 revoked", publish.Output, StringComparison.Ordinal);

        // The CreateSession fake does not read CRLs itself: hand it what Roles Anywhere now holds.
        foreach (var serial in _controlPlane.RevokedSerials(FakeRolesAnywhereServer.TrustAnchorArn))
        {
            createSession.RevokedSerials[serial.ToString(CultureInfo.InvariantCulture)] = true;
        }

        var refused = await RunAsync(UserEnvironment(createSession.Endpoint), "credential-process", "--name", "mycert", "--role-arn", FakeRolesAnywhereServer.RoleArn);
        Assert.Equal(ExitCodes.Denied, refused.ExitCode);
        Assert.Contains("revoked", refused.Error, StringComparison.Ordinal);
        Assert.Equal("", refused.Output);
    }

    [Fact]
    public async Task List_ShowsTheTrustAnchorAndProfiles()
    {
        var key = _kms.AddKey();
        Assert.Equal(0, (await RunAsync(AdminEnvironment(), "admin", "create-ca", "--name", "Anchor", "--kms-key-id", key.Arn,
            "--validity-duration", "24h", "--common-name", "ca")).ExitCode);
        Assert.Equal(0, (await RunAsync(AdminEnvironment(), "admin", "create-profile", "--name", "P1", "--role-arn", FakeRolesAnywhereServer.RoleArn)).ExitCode);

        var list = await RunAsync(AdminEnvironment(), "admin", "list");

        Assert.True(list.ExitCode == 0, list.Error);
        Assert.Contains($"Anchor\tenabled\tCERTIFICATE_BUNDLE\t{FakeRolesAnywhereServer.TrustAnchorArn}", list.Output, StringComparison.Ordinal);
        Assert.Contains($"P1\tenabled\t3600s\t{FakeRolesAnywhereServer.ProfileArn}", list.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateCa_NoCredentialsAnywhere_ExitsDeniedSayingWhereToPutThem()
    {
        var key = _kms.AddKey();
        var environment = AdminEnvironment();
        environment["AWS_ACCESS_KEY_ID"] = null;
        environment["AWS_SECRET_ACCESS_KEY"] = null;

        var result = await RunAsync(environment, "admin", "create-ca", "--name", "Anchor", "--kms-key-id", key.Arn, "--validity-duration", "24h", "--common-name", "ca");

        Assert.Equal(ExitCodes.Denied, result.ExitCode);
        Assert.Contains("No AWS credentials", result.Error, StringComparison.Ordinal);
        Assert.Empty(_kms.Calls);
    }

    private Dictionary<string, string?> AdminEnvironment() => new()
    {
        ["HOME"] = _home.Path,
        ["XDG_CONFIG_HOME"] = null,
        ["AWS_ACCESS_KEY_ID"] = AccessKeyId,
        ["AWS_SECRET_ACCESS_KEY"] = SecretAccessKey,
        ["AWS_SESSION_TOKEN"] = null,
        ["AWS_PROFILE"] = null,
        ["AWS_REGION"] = FakeRolesAnywhereServer.Region,
        ["AWS_ENDPOINT_URL"] = null,
        ["AWS_ENDPOINT_URL_KMS"] = _kms.Endpoint.ToString(),
        ["AWS_ENDPOINT_URL_ROLESANYWHERE"] = _controlPlane.Endpoint.ToString(),
        ["AWS_CONFIG_FILE"] = _home.File("no-aws-config"),
        ["AWS_SHARED_CREDENTIALS_FILE"] = _home.File("no-aws-credentials"),
        ["AWS_EC2_METADATA_DISABLED"] = "true",
        ["SSH_AUTH_SOCK"] = null,
    };

    private Dictionary<string, string?> UserEnvironment(Uri? rolesAnywhere) => new()
    {
        ["HOME"] = _home.Path,
        ["XDG_CONFIG_HOME"] = null,
        ["SSH_AUTH_SOCK"] = _agent.SocketPath,
        ["AWS_ENDPOINT_URL"] = null,
        ["AWS_ENDPOINT_URL_ROLESANYWHERE"] = rolesAnywhere?.ToString(),
    };

    private static Task<ProcessRunner.Result> RunAsync(Dictionary<string, string?> environment, params string[] arguments) =>
        CliExecutable.RunAsync(arguments, environment);
}
