using OpenRolesAnywhere.TestCommon;
using OpenRolesAnywhere.TestCommon.FakeRolesAnywhere;

namespace OpenRolesAnywhere.Cli.Tests;

/// <summary>
/// The official helper's issue #187: certificate and key given as <c>env:NAME</c> or <c>-</c> (standard input), as CI
/// systems hold them; judged by botocore and the AWS CLI running <c>credential_process</c> with the variables set.
/// </summary>
public sealed class InlinePemInputTests : IAsyncLifetime
{
    private CliHarness _cli = null!;

    public async Task InitializeAsync()
    {
        _cli = await CliHarness.StartAsync(sts: true);
    }

    public async Task DisposeAsync()
    {
        await _cli.DisposeAsync();
    }

    [Fact]
    public async Task Botocore_CertificateAndKeyInEnvironmentVariables_GetsTheIssuedCredentials()
    {
        var (certificate, key) = _cli.FileIdentity("rsa2048");
        var environment = _cli.AwsConfig(["--certificate", "env:ORA_TEST_CERT", "--private-key", "env:ORA_TEST_KEY", .. _cli.ArnFlags()]);
        environment["ORA_TEST_CERT"] = await File.ReadAllTextAsync(certificate);
        environment["ORA_TEST_KEY"] = await File.ReadAllTextAsync(key);
        File.Delete(key);

        var result = await CliHarness.BotocoreCredentialsAsync(environment);

        Assert.True(result.ExitCode == 0, result.Error);
        var issued = Assert.Single(_cli.Fake.Issued);
        Assert.Equal([issued.AccessKeyId, issued.SecretAccessKey, issued.SessionToken], result.Output.TrimEnd().Split('\n'));
    }

    [Fact]
    public async Task AwsCli_KeyInEnvironmentVariableWithPassword_SignsAnStsCallThatVerifies()
    {
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        using var leaf = _cli.Pki.Issue(TestKeys.PublicKeyOf(rsa));
        var certificate = _cli.Pki.WritePem(_cli.Temp.File("leaf.pem"), leaf);
        var environment = _cli.AwsConfig(["--certificate", certificate, "--private-key", "env:ORA_TEST_KEY", "--private-key-password-env", "ORA_TEST_PASSWORD", .. _cli.ArnFlags()]);
        environment["ORA_TEST_KEY"] = await File.ReadAllTextAsync(TestKeys.WritePkcs8(rsa, _cli.Temp.File("enc.key"), "s3cret"));
        environment["ORA_TEST_PASSWORD"] = "s3cret";

        var result = await CliHarness.AwsCliCallerIdentityAsync(_cli.Sts, environment);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal(Assert.Single(_cli.Fake.Issued).AccessKeyId, Assert.Single(_cli.Sts.AcceptedAccessKeys));
    }

    [Theory]
    [InlineData("key")]
    [InlineData("certificate")]
    public async Task CredentialProcess_OneFromStandardInput_WritesNothingToDisk(string fromStandardInput)
    {
        var (certificate, key) = _cli.FileIdentity("p256");
        var input = await File.ReadAllTextAsync(fromStandardInput == "key" ? key : certificate);
        var scratch = _cli.Temp.File("scratch");
        Directory.CreateDirectory(scratch);
        var environment = _cli.IsolatedAwsEnvironment();
        environment["HOME"] = scratch;
        environment["TMPDIR"] = scratch;
        environment["XDG_RUNTIME_DIR"] = scratch;
        string[] arguments = ["credential-process", "--certificate", fromStandardInput == "key" ? certificate : "-", "--private-key", fromStandardInput == "key" ? "-" : key, .. _cli.ArnFlags()];

        var result = await ProcessRunner.RunAsync(CliExecutable.CommandLine(arguments).First(), CliExecutable.CommandLine(arguments).Skip(1),
            environment, TimeSpan.FromSeconds(90), workingDirectory: scratch, standardInput: input);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains(Assert.Single(_cli.Fake.Issued).SessionToken, result.Output, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(scratch, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task CredentialProcess_BothFromStandardInput_IsAUsageError()
    {
        var (exitCode, output, error) = await _cli.RunAsync(["credential-process", "--certificate", "-", "--private-key", "-", .. _cli.ArnFlags()]);

        Assert.Equal(2, exitCode);
        Assert.Contains("Only one of --certificate and --private-key can read standard input", error, StringComparison.Ordinal);
        Assert.Empty(output);
        Assert.Equal(0, _cli.Fake.Calls);
    }

    [Fact]
    public async Task CredentialProcess_KeyFromStandardInputInProcess_SignsWithIt()
    {
        var (certificate, key) = _cli.FileIdentity("p384");
        _cli.StandardInput = await File.ReadAllTextAsync(key);

        var (exitCode, output, error) = await _cli.RunAsync(["credential-process", "--certificate", certificate, "--private-key", "-", .. _cli.ArnFlags()]);

        Assert.True(exitCode == 0, error);
        Assert.Contains(Assert.Single(_cli.Fake.Issued).AccessKeyId, output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--private-key", 4)]
    [InlineData("--certificate", 3)]
    public async Task CredentialProcess_VariableNotSet_SaysWhichAndExitsWithItsCode(string flag, int expectedExit)
    {
        var (certificate, key) = _cli.FileIdentity("p256");
        string[] arguments = ["credential-process", "--certificate", flag == "--certificate" ? "env:ORA_MISSING" : certificate,
            "--private-key", flag == "--private-key" ? "env:ORA_MISSING" : key, .. _cli.ArnFlags()];

        var (exitCode, output, error) = await _cli.RunAsync(arguments);

        Assert.Equal(expectedExit, exitCode);
        Assert.Contains("The environment variable ORA_MISSING given as env:ORA_MISSING is not set or empty", error, StringComparison.Ordinal);
        Assert.Empty(output);
        Assert.Equal(0, _cli.Fake.Calls);
    }

    [Fact]
    public async Task CredentialProcess_VariableHoldsNoKey_NamesTheVariableNotItsText()
    {
        var (certificate, _) = _cli.FileIdentity("p256");
        _cli.Environment["ORA_BAD_KEY"] = "not a key but maybe a secret";

        var (exitCode, _, error) = await _cli.RunAsync(["credential-process", "--certificate", certificate, "--private-key", "env:ORA_BAD_KEY", .. _cli.ArnFlags()]);

        Assert.Equal(4, exitCode);
        Assert.Contains("ORA_BAD_KEY", error, StringComparison.Ordinal);
        Assert.DoesNotContain("maybe a secret", error, StringComparison.Ordinal);
    }
}
