using System.Text;
using System.Text.Json;
using OpenRolesAnywhere.Core.Signing;
using OpenRolesAnywhere.TestCommon;
using OpenRolesAnywhere.TestCommon.FakeRolesAnywhere;

namespace OpenRolesAnywhere.Cli.Tests;

/// <summary>
/// ML-DSA key files (PKCS#8, made by BouncyCastle) signing CreateSession as <c>AWS4-X509-MLDSA</c>; the fake
/// verifies with @noble/post-quantum under node, an implementation other than the signer's.
/// </summary>
public sealed class MlDsaTests : IAsyncLifetime
{
    private CliHarness _cli = null!;

    public async Task InitializeAsync() => _cli = await CliHarness.StartAsync();

    public async Task DisposeAsync() => await _cli.DisposeAsync();

    [Theory]
    [InlineData(44)]
    [InlineData(65)]
    [InlineData(87)]
    public async Task CredentialProcess_MlDsaKeyFile_RoundTripsThroughTheVerifyingFake(int level)
    {
        var (key, publicKey) = TestKeys.WriteMlDsa(level, _cli.Temp.File($"mldsa{level}.key"));
        var certificate = _cli.CertificateFor(publicKey);

        var (exitCode, output, error) = await _cli.RunAsync(["credential-process", "--certificate", certificate, "--private-key", key, .. _cli.ArnFlags()]);

        Assert.True(exitCode == 0, error);
        var issued = Assert.Single(_cli.Fake.Issued);
        Assert.Equal("AWS4-X509-MLDSA", issued.Algorithm);
        using var document = JsonDocument.Parse(output);
        Assert.Equal(issued.AccessKeyId, document.RootElement.GetProperty("AccessKeyId").GetString());
    }

    [Fact]
    public async Task FileSigningKey_MlDsa65_SignsWhatNobleVerifiesAndNobleRefusesATamperedSignature()
    {
        var (path, publicKey) = TestKeys.WriteMlDsa(65, _cli.Temp.File("mldsa65.key"));
        using var key = FileSigningKey.Load(path, () => null);
        var message = Encoding.UTF8.GetBytes("AWS4-X509-MLDSA\n20261124T000000Z\n20261124/us-east-1/rolesanywhere/aws4_request\n0123");

        var signature = await key.SignAsync(message, CancellationToken.None);

        Assert.Equal(SigningKeyKind.MlDsa65, key.Kind);
        Assert.True(PublicKeys.AreEqual(publicKey, key.PublicKey));
        Assert.True(NobleMlDsa.Verify(65, publicKey.EncodedKeyValue.RawData, message, signature));
        signature[10] ^= 0x01;
        Assert.False(NobleMlDsa.Verify(65, publicKey.EncodedKeyValue.RawData, message, signature));
        Assert.False(NobleMlDsa.Verify(65, publicKey.EncodedKeyValue.RawData, [.. message, 0x20], await key.SignAsync(message, CancellationToken.None)));
    }

    [Fact]
    public async Task CredentialProcess_MlDsaKeyOfAnotherCertificate_RefusedBeforeAnyCall()
    {
        var (_, publicKey) = TestKeys.WriteMlDsa(44, _cli.Temp.File("a.key"));
        var (otherKey, _) = TestKeys.WriteMlDsa(44, _cli.Temp.File("b.key"));
        var certificate = _cli.CertificateFor(publicKey);

        var (exitCode, _, error) = await _cli.RunAsync(["credential-process", "--certificate", certificate, "--private-key", otherKey, .. _cli.ArnFlags()]);

        Assert.Equal(ExitCodes.Key, exitCode);
        Assert.Contains("public keys differ", error, StringComparison.Ordinal);
        Assert.Equal(0, _cli.Fake.Calls);
    }

    [Fact]
    public async Task Doctor_MlDsaKeyFile_KeyKeyTypeChainAndCreateSessionPass()
    {
        var (key, publicKey) = TestKeys.WriteMlDsa(87, _cli.Temp.File("mldsa87.key"));
        var certificate = _cli.CertificateFor(publicKey);

        var anchor = _cli.Temp.File("anchor.pem");
        await File.WriteAllTextAsync(anchor, _cli.Pki.Root.ExportCertificatePem());

        var (_, output, _) = await _cli.RunAsync(["doctor", "--certificate", certificate, "--private-key", key, .. _cli.ArnFlags(), "--try", "--trust-anchor-certificate", anchor]);

        Assert.Matches("pass  key +The key file .* signs", output);
        Assert.Matches("pass  key type +ML-DSA-87, signed as AWS4-X509-MLDSA", output);
        Assert.Matches("pass  chain +CN=workload <- CN=Test Intermediate CA <- CN=Test Root CA", output);
        Assert.Matches("pass  create session", output);
    }
}
