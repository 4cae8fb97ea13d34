using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.Core.Credentials;
using OpenRolesAnywhere.Core.Signing;
using OpenRolesAnywhere.TestCommon.Pkcs11;

namespace OpenRolesAnywhere.Signers.Pkcs11.Tests.SoftHsm;

[Collection(SoftHsmTests.Name)]
public sealed class Pkcs11SigningKeyTests
{
    private static readonly byte[] Data = Encoding.UTF8.GetBytes("AWS4-X509-ECDSA-SHA256\n20261124T060000Z\n20261124/us-east-1/rolesanywhere/aws4_request\nabc");
    private readonly SoftHsmFixture _hsm;

    public Pkcs11SigningKeyTests(SoftHsmFixture hsm)
    {
        _hsm = hsm;
    }

    public static TheoryData<string> Labels => ["rsa", "p256", "p384"];

    internal static Pkcs11KeySource Source(Func<string, string?>? environment = null, Func<string, string?>? prompt = null) =>
        new(environment ?? (_ => null), prompt);

    private SoftHsmKey Key(string label) => _hsm.Keys.Single(k => k.Label == label);

    [Theory]
    [MemberData(nameof(Labels))]
    public async Task SignAsync_KeyOnToken_SignatureVerifiesWithDotNet(string label)
    {
        var expected = Key(label);
        using var key = Source().OpenKey(expected.KeyUri(), new KeySourceOptions());

        var signature = await key.SignAsync(Data, CancellationToken.None);

        Assert.True(PublicKeys.AreEqual(expected.PublicKey, key.PublicKey));
        Assert.True(Verify(expected.Certificate, Data, signature), $"{label} signature does not verify");
        Assert.False(Verify(expected.Certificate, [.. Data, 0], signature), "a signature must not verify over other data");
    }

    [Theory]
    [InlineData("rsa", SigningKeyKind.Rsa, "CKM_SHA256_RSA_PKCS")]
    [InlineData("p256", SigningKeyKind.EcdsaP256, "CKM_ECDSA")]
    [InlineData("p384", SigningKeyKind.EcdsaP384, "CKM_ECDSA")]
    public void OpenKey_KeyOnToken_KindAndMechanismFromToken(string label, SigningKeyKind kind, string mechanism)
    {
        using var key = Source().OpenKey(Key(label).KeyUri(), new KeySourceOptions());

        Assert.Equal(kind, key.Kind);
        Assert.Equal(mechanism, key.Mechanism);
        Assert.Contains(SoftHsmFixture.TokenLabel, key.Description, StringComparison.Ordinal);
        Assert.DoesNotContain(SoftHsmFixture.Pin, key.Description.Replace(SoftHsmFixture.TokenLabel, "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenKey_ById_FindsTheKey()
    {
        using var key = Source().OpenKey(SoftHsmFixture.Uri($"id={_hsm.P256.IdPercent}"), new KeySourceOptions());

        Assert.True(PublicKeys.AreEqual(_hsm.P256.PublicKey, key.PublicKey));
        Assert.True(Verify(_hsm.P256.Certificate, Data, await key.SignAsync(Data, CancellationToken.None)));
    }

    [Fact]
    public async Task OpenKey_ModuleFromFlag_UsedWhenUriNamesNone()
    {
        var uri = $"pkcs11:token={SoftHsmFixture.TokenLabel};object=p256?pin-value={SoftHsmFixture.Pin}";
        using var key = Source().OpenKey(uri, new KeySourceOptions { Module = SoftHsmFixture.ModulePath });

        Assert.True(Verify(_hsm.P256.Certificate, Data, await key.SignAsync(Data, CancellationToken.None)));
    }

    [Fact]
    public async Task OpenKey_NoModuleGiven_FoundThroughP11KitProxy()
    {
        // p11-kit-proxy loads the modules p11-kit is configured with; SoftHSM is one of them on Debian.
        using var key = Source().OpenKey($"pkcs11:token={SoftHsmFixture.TokenLabel};object=p256?pin-value={SoftHsmFixture.Pin}", new KeySourceOptions());

        Assert.Contains("p11-kit-proxy", key.Description, StringComparison.Ordinal);
        Assert.True(Verify(_hsm.P256.Certificate, Data, await key.SignAsync(Data, CancellationToken.None)));
    }

    [Fact]
    public void OpenKey_PinFromEnvironmentVariable_LogsIn()
    {
        using var key = Source(name => name == "TOKEN_PIN" ? SoftHsmFixture.Pin : null)
            .OpenKey(_hsm.Rsa.KeyUri(query: null), new KeySourceOptions { PasswordEnvironmentVariable = "TOKEN_PIN" });

        Assert.Equal(SigningKeyKind.Rsa, key.Kind);
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void OpenKey_PinFromFile_LogsIn()
    {
        var pinFile = Path.Combine(_hsm.Directory, "pin.txt");
        File.WriteAllText(pinFile, SoftHsmFixture.Pin + "\n");
        File.SetUnixFileMode(pinFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        using var key = Source().OpenKey(_hsm.P256.KeyUri($"pin-source=file:{pinFile}"), new KeySourceOptions());

        Assert.Equal(SigningKeyKind.EcdsaP256, key.Kind);
    }

    [Fact]
    public void OpenKey_NoPinGiven_PromptsWithTokenName()
    {
        string? asked = null;

        using var key = Source(prompt: p => { asked = p; return SoftHsmFixture.Pin; }).OpenKey(_hsm.P384.KeyUri(query: null), new KeySourceOptions());

        Assert.NotNull(asked);
        Assert.Contains(SoftHsmFixture.TokenLabel, asked, StringComparison.Ordinal);
    }

    [Fact]
    public void OpenKey_NoPinAndNoTerminal_SaysHowToGiveOne()
    {
        var e = Assert.Throws<CredentialException>(() => Source(prompt: _ => null).OpenKey(_hsm.P384.KeyUri(query: null), new KeySourceOptions()));

        Assert.Equal(CredentialErrorKind.KeyLocked, e.Kind);
        Assert.Contains("--private-key-password-env", e.Message, StringComparison.Ordinal);
        Assert.Contains("pin-source", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OpenKey_EnvironmentVariableMissing_NamesIt()
    {
        var e = Assert.Throws<CredentialException>(() =>
            Source().OpenKey(_hsm.P384.KeyUri(query: null), new KeySourceOptions { PasswordEnvironmentVariable = "NO_SUCH_PIN_VARIABLE" }));

        Assert.Equal(CredentialErrorKind.KeyLocked, e.Kind);
        Assert.Contains("NO_SUCH_PIN_VARIABLE", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignAsync_ManyAtOnce_AllSignaturesVerify()
    {
        using var key = Source().OpenKey(_hsm.P256.KeyUri(), new KeySourceOptions());
        var inputs = Enumerable.Range(0, 24).Select(i => Encoding.UTF8.GetBytes($"request {i}")).ToList();

        var signatures = await Task.WhenAll(inputs.Select(d => Task.Run(() => key.SignAsync(d, CancellationToken.None))));

        Assert.All(inputs.Zip(signatures), pair => Assert.True(Verify(_hsm.P256.Certificate, pair.First, pair.Second)));
    }

    [Fact]
    public async Task SignAsync_TwoKeysOnOneToken_ShareTheLoginAndBothSign()
    {
        using var rsa = Source().OpenKey(_hsm.Rsa.KeyUri(), new KeySourceOptions());
        using var ec = Source().OpenKey(_hsm.P256.KeyUri(), new KeySourceOptions());

        Assert.True(Verify(_hsm.Rsa.Certificate, Data, await rsa.SignAsync(Data, CancellationToken.None)));
        rsa.Dispose();
        Assert.True(Verify(_hsm.P256.Certificate, Data, await ec.SignAsync(Data, CancellationToken.None)));
    }

    [Fact]
    public void CertificateRequest_SignedOnToken_SignatureChecksOut()
    {
        using var key = Source().OpenKey(_hsm.P384.KeyUri(), new KeySourceOptions());
        var request = new CertificateRequest(new X500DistinguishedName("CN=token-user"), key.PublicKey, HashAlgorithmName.SHA256);

        var pem = request.CreateSigningRequestPem(new SigningKeySignatureGenerator(key));

        // Loading checks the CSR's self-signature unless told to skip it.
        var loaded = CertificateRequest.LoadSigningRequestPem(pem, HashAlgorithmName.SHA256);
        Assert.Equal("CN=token-user", loaded.SubjectName.Name);
        Assert.True(PublicKeys.AreEqual(_hsm.P384.PublicKey, loaded.PublicKey));
    }

    internal static bool Verify(X509Certificate2 certificate, byte[] data, byte[] signature) =>
        TestCommon.TestKeys.VerifySha256(certificate.PublicKey, data, signature);
}
