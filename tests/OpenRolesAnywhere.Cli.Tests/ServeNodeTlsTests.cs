using System.Text.Json;
using System.Text.RegularExpressions;
using OpenRolesAnywhere.TestCommon;
using OpenRolesAnywhere.TestCommon.FakeRolesAnywhere;
using OpenRolesAnywhere.TestCommon.SshAgent;

namespace OpenRolesAnywhere.Cli.Tests;

/// <summary>
/// <c>serve</c> as a node server: https on every address with a certificate naming this machine's non-loopback
/// address (the host name the clients use, verified), two sources with a token file each, signing with a real
/// ssh-agent key against the verifying fake Roles Anywhere. Judges, each in a process of its own: the AWS SDK for .NET
/// (the CA through <c>SSL_CERT_FILE</c>), the AWS SDK for JavaScript v3 (<c>NODE_EXTRA_CA_CERTS</c>), and botocore
/// and the AWS CLI in a virtual environment whose certifi bundle holds the CA (their container fetch ignores
/// <c>AWS_CA_BUNDLE</c>). What they get must pass the verifying fake STS.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed partial class ServeNodeTlsTests : IClassFixture<SshAgentFixture>, IClassFixture<JsSdkJudge>, IAsyncLifetime
{
    private const string ReportsRole = $"arn:aws:iam::{FakeRolesAnywhereServer.Account}:role/reports";
    private readonly SshAgentFixture _agent;
    private readonly JsSdkJudge _js;
    private readonly TestPki _node = TestPki.Create("Node");
    private readonly string _host = NodeAddress.Find().ToString();
    private CliHarness _cli = null!;
    private Dictionary<string, string?> _environment = null!;

    public ServeNodeTlsTests(SshAgentFixture agent, JsSdkJudge js)
    {
        _agent = agent;
        _js = js;
    }

    public async Task InitializeAsync()
    {
        _cli = await CliHarness.StartAsync(sts: true);
        _cli.Fake.ProfileRoles.Add(ReportsRole);
        _environment = _cli.ServeEnvironment(_agent.SocketPath);
        File.WriteAllText(CaFile, _node.Root.ExportCertificatePem() + "\n");
    }

    public async Task DisposeAsync()
    {
        await _cli.DisposeAsync();
        _node.Dispose();
    }

    private string CaFile => _cli.Temp.File("node-ca.pem");

    [Theory]
    [InlineData("dotnet")]
    [InlineData("js")]
    [InlineData("botocore")]
    [InlineData("awscli")]
    public async Task NodeOverTls_JudgeTrustingTheCa_GetsTheWorkloadsCredentialsThatVerifyWithSts(string judge)
    {
        await using var serve = await StartNodeAsync();

        var result = await RunJudgeAsync(judge, serve, "billing", "billing", CaFile);

        Assert.True(result.ExitCode == 0, result.Error + serve.Log);
        var billing = Assert.Single(_cli.Fake.Issued, i => i.RoleArn == FakeRolesAnywhereServer.RoleArn);
        Assert.Equal([billing.AccessKeyId], _cli.Sts.AcceptedAccessKeys);
    }

    [Theory]
    [InlineData("dotnet")]
    [InlineData("js")]
    [InlineData("botocore")]
    [InlineData("awscli")]
    public async Task NodeOverTls_JudgeTrustingAnotherCa_RefusesTheServer(string judge)
    {
        using var other = TestPki.Create("Other");
        var otherCa = _cli.Temp.File("other-ca.pem");
        File.WriteAllText(otherCa, other.Root.ExportCertificatePem() + "\n");
        await using var serve = await StartNodeAsync();

        var result = await RunJudgeAsync(judge, serve, "billing", "billing", otherCa);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Empty(_cli.Sts.AcceptedAccessKeys);
    }

    [Theory]
    [InlineData("dotnet")]
    [InlineData("js")]
    [InlineData("botocore")]
    [InlineData("awscli")]
    public async Task NodeOverTls_ExpiredServerCertificate_JudgeRefusesTheServer(string judge)
    {
        await using var serve = await StartNodeAsync(notAfter: DateTimeOffset.UtcNow.AddDays(-1));

        var result = await RunJudgeAsync(judge, serve, "billing", "billing", CaFile);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Empty(_cli.Sts.AcceptedAccessKeys);
        Assert.Contains("clients will refuse it", serve.Log, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("dotnet")]
    [InlineData("js")]
    [InlineData("botocore")]
    [InlineData("awscli")]
    public async Task NodeOverTls_AnotherWorkloadsToken_IsRefusedAndYieldsNoCredentials(string judge)
    {
        await using var serve = await StartNodeAsync();

        var result = await RunJudgeAsync(judge, serve, "billing", "reports", CaFile);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Empty(_cli.Sts.AcceptedAccessKeys);
        var reports = Assert.Single(_cli.Fake.Issued, i => i.RoleArn == ReportsRole);
        Assert.DoesNotContain(reports.SecretAccessKey, result.Output + result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NodeOverTls_PlainHttpOnAllAddressesWithoutAllowRemote_IsRefusedAtStart()
    {
        var result = await CliExecutable.RunAsync(["serve", "--listen", "http://0.0.0.0:0", "--config", WriteConfig(), "--no-socket"], _environment, TimeSpan.FromSeconds(60));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--allow-remote", result.Error, StringComparison.Ordinal);
        Assert.Contains("https", result.Error, StringComparison.Ordinal);
    }

    /// <summary>serve with http on loopback (for its health check) and https on every address, the certificate naming the node address.</summary>
    private async Task<ServeProcess> StartNodeAsync(DateTimeOffset? notAfter = null)
    {
        using var certificate = _node.IssueServer([_host], notBefore: notAfter?.AddDays(-30), notAfter: notAfter);
        var (tlsCertificate, tlsKey) = _node.WriteServerPem(_cli.Temp.File("tls.pem"), _cli.Temp.File("tls.key"), certificate);
        return await ServeProcess.StartAsync(
            ["--config", WriteConfig(), "--listen", "https://0.0.0.0:0", "--tls-certificate", tlsCertificate, "--tls-key", tlsKey, "--no-socket"], _environment);
    }

    /// <summary>Two sources signing with the agent key, billing and reports, each opened only by its own token file.</summary>
    private string WriteConfig()
    {
        var certificate = _cli.CertificateFor(_agent.EcdsaP256.PublicKey!);
        object Source(string name, string role)
        {
            var token = TokenFile(name);
            File.WriteAllText(token, name + "-" + Guid.NewGuid().ToString("N"));
            File.SetUnixFileMode(token, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            return new
            {
                Name = name, Certificate = certificate, RoleArn = role, TokenFile = token, Endpoint = _cli.Fake.Endpoint.ToString(),
                TrustAnchorArn = FakeRolesAnywhereServer.TrustAnchorArn, ProfileArn = FakeRolesAnywhereServer.ProfileArn,
            };
        }

        var config = _cli.Temp.File("serve.json");
        File.WriteAllText(config, JsonSerializer.Serialize(new { Sources = new[] { Source("billing", FakeRolesAnywhereServer.RoleArn), Source("reports", ReportsRole) } }));
        return config;
    }

    private string TokenFile(string source) => _cli.Temp.File(source + ".token");

    /// <summary>One judge asks for <paramref name="source"/> with the token of <paramref name="tokenOf"/>, trusting the CA in <paramref name="ca"/>.</summary>
    private async Task<ProcessRunner.Result> RunJudgeAsync(string judge, ServeProcess serve, string source, string tokenOf, string ca)
    {
        var environment = new Dictionary<string, string?>(_environment)
        {
            ["SSH_AUTH_SOCK"] = null,
            ["AWS_EC2_METADATA_DISABLED"] = "true",
            ["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = $"https://{_host}:{HttpsPort(serve)}/v1/credentials/{source}",
            ["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] = TokenFile(tokenOf),
            ["AWS_ENDPOINT_URL_STS"] = _cli.Sts.Endpoint.ToString(),
        };
        switch (judge)
        {
            case "dotnet":
                environment["SSL_CERT_FILE"] = ca;
                return await ProcessRunner.RunAsync("dotnet", [Path.Combine(AppContext.BaseDirectory, "OpenRolesAnywhere.Judges.DotNetSdk.dll")], environment, TimeSpan.FromSeconds(90));
            case "js":
                environment["NODE_EXTRA_CA_CERTS"] = ca;
                environment["NODE_PATH"] = Path.Combine(_js.Directory, "node_modules");
                var js = await ProcessRunner.RunAsync("node", [_js.Script, "http"], environment, TimeSpan.FromSeconds(60));
                return js.ExitCode != 0 ? js : await CallStsWithAsync(js.Output.Split('\n'));
            default:
                var python = await CertifiVenv.PythonAsync(_cli.Temp.File("venv-" + Path.GetFileNameWithoutExtension(ca)), ca);
                string[] arguments = judge == "awscli"
                    ? ["-m", "awscli", "sts", "get-caller-identity", "--endpoint-url", _cli.Sts.Endpoint.ToString(), "--output", "json"]
                    : ["-c", "import botocore.session, sys; s = botocore.session.Session(); print(s.create_client('sts', region_name='us-east-1', endpoint_url=sys.argv[1]).get_caller_identity()['Account'])", _cli.Sts.Endpoint.ToString()];
                return await ProcessRunner.RunAsync(python, arguments, environment, TimeSpan.FromSeconds(90));
        }
    }

    /// <summary>The AWS CLI signs an STS call with credentials a judge printed (access key, secret, session token).</summary>
    private Task<ProcessRunner.Result> CallStsWithAsync(string[] credentials)
    {
        var environment = _cli.IsolatedAwsEnvironment();
        environment["AWS_EC2_METADATA_DISABLED"] = "true";
        environment["AWS_ACCESS_KEY_ID"] = credentials[0];
        environment["AWS_SECRET_ACCESS_KEY"] = credentials[1];
        environment["AWS_SESSION_TOKEN"] = credentials[2];
        return CliHarness.AwsCliCallerIdentityAsync(_cli.Sts, environment);
    }

    private static int HttpsPort(ServeProcess serve) =>
        int.Parse(HttpsListening().Match(serve.Log).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

    [GeneratedRegex(@"Listening on \W*https://\S*?:(\d+)\b")]
    private static partial Regex HttpsListening();
}
