using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using OpenRolesAnywhere.TestCommon;
using OpenRolesAnywhere.TestCommon.FakeSts;
using OpenRolesAnywhere.TestCommon.Pkcs11;

namespace OpenRolesAnywhere.Cli.Tests;

/// <summary>SOFTHSM2_CONF is process-wide and read once by the module: the token's tests run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SoftHsmCliTests : ICollectionFixture<SoftHsmFixture>
{
    public const string Name = "SoftHSM CLI";
}

/// <summary><c>credential-process</c> and <c>request-certificate</c> with keys (and certificates) on a real SoftHSM2 token.</summary>
[Collection(SoftHsmCliTests.Name)]
public sealed class Pkcs11CommandTests : IAsyncLifetime
{
    private readonly SoftHsmFixture _hsm;
    private CliHarness _cli = null!;

    public Pkcs11CommandTests(SoftHsmFixture hsm)
    {
        _hsm = hsm;
    }

    public async Task InitializeAsync() => _cli = await CliHarness.StartAsync();

    public async Task DisposeAsync() => await _cli.DisposeAsync();

    /// <summary>Each key in-process and in the native executable, whose marshalling data (rd.xml) Pkcs11Interop needs.</summary>
    public static TheoryData<string, string, bool> Keys() => new()
    {
        { "rsa", "AWS4-X509-RSA-SHA256", false },
        { "p256", "AWS4-X509-ECDSA-SHA256", false },
        { "p384", "AWS4-X509-ECDSA-SHA256", false },
        { "rsa", "AWS4-X509-RSA-SHA256", true },
        { "p256", "AWS4-X509-ECDSA-SHA256", true },
        { "p384", "AWS4-X509-ECDSA-SHA256", true },
    };

    private SoftHsmKey Key(string label) => _hsm.Keys.Single(k => k.Label == label);

    [Theory]
    [MemberData(nameof(Keys))]
    public async Task CredentialProcess_KeyOnToken_GetsCredentialsFromVerifyingFake(string label, string algorithm, bool executable)
    {
        var certificate = _cli.CertificateFor(Key(label).PublicKey);
        string[] args = ["credential-process", "--certificate", certificate, "--private-key", Key(label).KeyUri(), .. _cli.ArnFlags()];

        var (exitCode, output, error) = executable ? await _cli.RunProcessAsync(args) : await _cli.RunAsync(args);

        Assert.True(exitCode == 0, error);
        var issued = Assert.Single(_cli.Fake.Issued);
        Assert.Equal(algorithm, issued.Algorithm);
        using var document = JsonDocument.Parse(output);
        Assert.Equal(issued.AccessKeyId, document.RootElement.GetProperty("AccessKeyId").GetString());
        Assert.DoesNotContain(SoftHsmFixture.Pin, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CredentialProcess_NoModuleGivenInTheExecutable_SignsThroughP11KitProxy()
    {
        var certificate = _cli.CertificateFor(_hsm.P256.PublicKey);
        _cli.Environment["TOKEN_PIN"] = SoftHsmFixture.Pin;

        // p11-kit-proxy loads the modules p11-kit is configured with; SoftHSM is one of them on Debian.
        var (exitCode, _, error) = await _cli.RunProcessAsync(["credential-process", "--certificate", certificate,
            "--private-key", $"pkcs11:token={SoftHsmFixture.TokenLabel};object=p256;type=private", "--private-key-password-env", "TOKEN_PIN", .. _cli.ArnFlags()]);

        Assert.True(exitCode == 0, error);
        Assert.Equal("AWS4-X509-ECDSA-SHA256", Assert.Single(_cli.Fake.Issued).Algorithm);
    }

    [Fact]
    public async Task CredentialProcess_WrongPinInTheExecutable_SameExitCodeAndMessageAsInProcess()
    {
        var certificate = _cli.CertificateFor(_hsm.Rsa.PublicKey);
        string[] args = ["credential-process", "--certificate", certificate, "--private-key", _hsm.Rsa.KeyUri("pin-value=000000"), .. _cli.ArnFlags()];

        var inProcess = await _cli.RunAsync(args);
        var executable = await _cli.RunProcessAsync(args);

        Assert.Equal(ExitCodes.Key, executable.ExitCode);
        Assert.Equal(inProcess.Error, executable.Error);
        Assert.DoesNotContain("000000", executable.Error, StringComparison.Ordinal);
        Assert.Equal(0, _cli.Fake.Calls);
    }

    [Fact]
    public async Task CredentialProcess_CertificateAndKeyBothOnToken_GetsCredentials()
    {
        using var leaf = _cli.Pki.Issue(_hsm.P256.PublicKey, "token-cert");
        var label = "cli-" + Guid.NewGuid().ToString("N")[..8];
        _hsm.AddCertificate(label, 0x02, leaf);
        var intermediates = _cli.Temp.File("intermediates.pem");
        await File.WriteAllTextAsync(intermediates, _cli.Pki.Intermediate.ExportCertificatePem() + "\n");
        _cli.Environment["TOKEN_PIN"] = SoftHsmFixture.Pin;

        var (exitCode, _, error) = await _cli.RunAsync(
        [
            "credential-process",
            "--certificate", $"pkcs11:token={SoftHsmFixture.TokenLabel};object={label};type=cert",
            "--intermediates", intermediates,
            "--private-key", $"pkcs11:token={SoftHsmFixture.TokenLabel};id=%02;type=private",
            "--pkcs11-lib", SoftHsmFixture.ModulePath,
            "--private-key-password-env", "TOKEN_PIN",
            .. _cli.ArnFlags(),
        ]);

        Assert.True(exitCode == 0, error);
        Assert.Equal("AWS4-X509-ECDSA-SHA256", Assert.Single(_cli.Fake.Issued).Algorithm);
    }

    [Fact]
    public async Task AwsCli_CredentialProcessWithTokenKey_SignsAnStsCallThatVerifies()
    {
        await using var sts = await FakeStsServer.StartAsync(() => _cli.Fake.Issued);
        var certificate = _cli.CertificateFor(_hsm.Rsa.PublicKey);
        // The PIN travels in the environment, not in the config file or on a command line.
        var environment = _cli.AwsConfig(["--certificate", certificate, "--private-key", _hsm.Rsa.KeyUri(query: null),
            "--pkcs11-lib", SoftHsmFixture.ModulePath, "--private-key-password-env", "TOKEN_PIN", .. _cli.ArnFlags()]);
        environment["SOFTHSM2_CONF"] = _hsm.ConfigPath;
        environment["TOKEN_PIN"] = SoftHsmFixture.Pin;

        var result = await CliHarness.AwsCliCallerIdentityAsync(sts, environment);

        Assert.True(result.ExitCode == 0, result.Error);
        var issued = Assert.Single(_cli.Fake.Issued);
        Assert.Equal("AWS4-X509-RSA-SHA256", issued.Algorithm);
        Assert.Equal(issued.AccessKeyId, Assert.Single(sts.AcceptedAccessKeys));
    }

    [Fact]
    public async Task Serve_TokenKey_AwsCliGetsCredentialsThroughContainerEndpoint()
    {
        await using var sts = await FakeStsServer.StartAsync(() => _cli.Fake.Issued);
        var runtime = _cli.Temp.File("run");
        Directory.CreateDirectory(runtime);
        var environment = _cli.IsolatedAwsEnvironment();
        environment["XDG_RUNTIME_DIR"] = runtime;
        environment["SOFTHSM2_CONF"] = _hsm.ConfigPath;
        environment["TOKEN_PIN"] = SoftHsmFixture.Pin;
        environment["AWS_EC2_METADATA_DISABLED"] = "true";
        await using var serve = await ServeProcess.StartAsync(
            ["--certificate", _cli.CertificateFor(_hsm.P256.PublicKey), "--private-key", _hsm.P256.KeyUri(query: null),
                "--pkcs11-lib", SoftHsmFixture.ModulePath, "--private-key-password-env", "TOKEN_PIN", .. _cli.ArnFlags()],
            environment);
        foreach (var (name, value) in environment)
        {
            _cli.Environment[name] = value;
        }

        var (envExit, envOutput, envError) = await _cli.RunAsync("env", "--listen", serve.BaseAddress.ToString());
        Assert.True(envExit == 0, envError + serve.Log);
        foreach (var line in envOutput.TrimEnd().Split('\n'))
        {
            environment[line[..line.IndexOf('=', StringComparison.Ordinal)]] = line[(line.IndexOf('=', StringComparison.Ordinal) + 1)..];
        }

        var result = await CliHarness.AwsCliCallerIdentityAsync(sts, environment);

        Assert.True(result.ExitCode == 0, result.Error + serve.Log);
        var issued = Assert.Single(_cli.Fake.Issued);
        Assert.Equal("AWS4-X509-ECDSA-SHA256", issued.Algorithm);
        Assert.Equal(issued.AccessKeyId, Assert.Single(sts.AcceptedAccessKeys));
    }

    [Fact]
    public async Task CredentialProcess_WrongPin_ExitsWithKeyCodeAndNeverCallsAws()
    {
        var certificate = _cli.CertificateFor(_hsm.Rsa.PublicKey);

        var (exitCode, output, error) = await _cli.RunAsync(["credential-process", "--certificate", certificate, "--private-key", _hsm.Rsa.KeyUri("pin-value=000000"), .. _cli.ArnFlags()]);

        Assert.Equal(ExitCodes.Key, exitCode);
        Assert.Equal("", output);
        Assert.Contains("PIN", error, StringComparison.Ordinal);
        Assert.DoesNotContain("000000", error, StringComparison.Ordinal);
        Assert.Equal(0, _cli.Fake.Calls);
    }

    [Fact]
    public async Task CredentialProcess_CertificateForAnotherKey_ExitsWithKeyCode()
    {
        var certificate = _cli.CertificateFor(_hsm.P256.PublicKey);

        var (exitCode, _, error) = await _cli.RunAsync(["credential-process", "--certificate", certificate, "--private-key", _hsm.Rsa.KeyUri(), .. _cli.ArnFlags()]);

        Assert.Equal(ExitCodes.Key, exitCode);
        Assert.Contains("public keys differ", error, StringComparison.Ordinal);
        Assert.Equal(0, _cli.Fake.Calls);
    }

    [Fact]
    public async Task CredentialProcess_ModuleThatDoesNotExist_ExitsWithSignerUnavailable()
    {
        var certificate = _cli.CertificateFor(_hsm.Rsa.PublicKey);

        var (exitCode, _, error) = await _cli.RunAsync(["credential-process", "--certificate", certificate,
            "--private-key", "pkcs11:object=rsa?pin-value=1234", "--pkcs11-lib", "/nonexistent/module.so", .. _cli.ArnFlags()]);

        Assert.Equal(ExitCodes.SignerUnavailable, exitCode);
        Assert.Contains("/nonexistent/module.so", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequestCertificate_KeyOnToken_PrintsCsrSignedOnToken()
    {
        var (exitCode, output, error) = await _cli.RunAsync(["request-certificate", "--private-key", _hsm.P384.KeyUri(), "--common-name", "token-user"]);

        Assert.True(exitCode == 0, error);
        // Loading verifies the CSR's signature, made by the token's key.
        var request = CertificateRequest.LoadSigningRequestPem(output, HashAlgorithmName.SHA256);
        Assert.Equal("CN=token-user", request.SubjectName.Name);
        Assert.Equal(_hsm.P384.PublicKey.ExportSubjectPublicKeyInfo(), request.PublicKey.ExportSubjectPublicKeyInfo());
    }
}
