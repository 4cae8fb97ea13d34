using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using OpenRolesAnywhere.TestCommon.Pkcs11;

namespace OpenRolesAnywhere.Cli.Tests;

/// <summary>The TPM module's variables are process-wide: its tests run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TpmCliTests : ICollectionFixture<LazySwtpmFixture>
{
    public const string Name = "TPM CLI";
}

/// <summary><c>credential-process</c> with a key in a (software) TPM, through tpm2-pkcs11: the same path as any token.</summary>
[Collection(TpmCliTests.Name)]
public sealed class TpmCommandTests : IAsyncLifetime
{
    private readonly LazySwtpmFixture _tpm;
    private CliHarness _cli = null!;

    public TpmCommandTests(LazySwtpmFixture tpm)
    {
        _tpm = tpm;
    }

    public async Task InitializeAsync() => _cli = await CliHarness.StartAsync();

    public async Task DisposeAsync() => await _cli.DisposeAsync();

    [SwtpmFact]
    public async Task CredentialProcess_KeyInTpm_GetsCredentialsFromVerifyingFake()
    {
        var certificate = _cli.CertificateFor(_tpm.Tpm.P256PublicKey);
        _cli.Environment["TPM_PIN"] = SwtpmFixture.Pin;

        var (exitCode, output, error) = await _cli.RunAsync(["credential-process", "--certificate", certificate,
            "--private-key", $"pkcs11:token={SwtpmFixture.TokenLabel};object=p256;type=private",
            "--pkcs11-lib", SwtpmFixture.ModulePath!, "--private-key-password-env", "TPM_PIN", .. _cli.ArnFlags()]);

        Assert.True(exitCode == 0, error);
        var issued = Assert.Single(_cli.Fake.Issued);
        Assert.Equal("AWS4-X509-ECDSA-SHA256", issued.Algorithm);
        using var document = JsonDocument.Parse(output);
        Assert.Equal(issued.AccessKeyId, document.RootElement.GetProperty("AccessKeyId").GetString());
    }

    [SwtpmFact]
    public async Task CredentialProcess_KeyInTpmInTheExecutable_GetsCredentialsFromVerifyingFake()
    {
        var certificate = _cli.CertificateFor(_tpm.Tpm.RsaPublicKey);
        _cli.Environment["TPM_PIN"] = SwtpmFixture.Pin;

        var (exitCode, output, error) = await _cli.RunProcessAsync(["credential-process", "--certificate", certificate,
            "--private-key", $"pkcs11:token={SwtpmFixture.TokenLabel};object=rsa;type=private",
            "--pkcs11-lib", SwtpmFixture.ModulePath!, "--private-key-password-env", "TPM_PIN", .. _cli.ArnFlags()]);

        Assert.True(exitCode == 0, error);
        var issued = Assert.Single(_cli.Fake.Issued);
        Assert.Equal("AWS4-X509-RSA-SHA256", issued.Algorithm);
        using var document = JsonDocument.Parse(output);
        Assert.Equal(issued.AccessKeyId, document.RootElement.GetProperty("AccessKeyId").GetString());
    }

    [SwtpmFact]
    public async Task RequestCertificate_KeyInTpm_PrintsCsrSignedInTpm()
    {
        var tpm = _tpm.Tpm;
        _cli.Environment["TPM_PIN"] = SwtpmFixture.Pin;

        var (exitCode, output, error) = await _cli.RunAsync(["request-certificate", "--private-key",
            $"pkcs11:token={SwtpmFixture.TokenLabel};object=rsa?module-path={SwtpmFixture.ModulePath}", "--private-key-password-env", "TPM_PIN",
            "--common-name", "tpm-host"]);

        Assert.True(exitCode == 0, error);
        var request = CertificateRequest.LoadSigningRequestPem(output, HashAlgorithmName.SHA256);
        Assert.Equal(tpm.RsaPublicKey.ExportSubjectPublicKeyInfo(), request.PublicKey.ExportSubjectPublicKeyInfo());
    }
}
