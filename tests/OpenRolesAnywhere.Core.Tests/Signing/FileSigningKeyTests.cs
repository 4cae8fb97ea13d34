using System.Security.Cryptography;
using OpenRolesAnywhere.Core.Signing;
using OpenRolesAnywhere.TestCommon;

namespace OpenRolesAnywhere.Core.Tests.Signing;

public sealed class FileSigningKeyTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Load_EncryptedPkcs8WithPassword_Signs()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var path = TestKeys.WritePkcs8(ec, _temp.File("k.pem"), "s3cret");

        using var key = FileSigningKey.Load(path, () => "s3cret");
        var signature = await key.SignAsync("hello"u8.ToArray(), CancellationToken.None);

        Assert.Equal(SigningKeyKind.EcdsaP256, key.Kind);
        Assert.True(ec.VerifyData("hello"u8, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
    }

    [Theory]
    [InlineData(44, SigningKeyKind.MlDsa44)]
    [InlineData(65, SigningKeyKind.MlDsa65)]
    [InlineData(87, SigningKeyKind.MlDsa87)]
    public async Task Load_MlDsaPkcs8_SignsTheDataItselfAsMlDsa(int level, SigningKeyKind kind)
    {
        var (path, publicKey) = TestKeys.WriteMlDsa(level, _temp.File("mldsa.pem"));

        using var key = FileSigningKey.Load(path, () => throw new InvalidOperationException("an unencrypted key needs no password"));
        var signature = await key.SignAsync("hello"u8.ToArray(), CancellationToken.None);

        Assert.Equal(kind, key.Kind);
        Assert.Equal("AWS4-X509-MLDSA", key.Kind.X509Algorithm());
        Assert.True(PublicKeys.AreEqual(publicKey, key.PublicKey));
        Assert.True(MlDsaKeys.Verify(publicKey, "hello"u8.ToArray(), signature));
        Assert.False(MlDsaKeys.Verify(publicKey, "hellO"u8.ToArray(), signature));
    }

    [Fact]
    public void Load_EncryptedWithoutPassword_SaysHowToGiveOne()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var path = TestKeys.WritePkcs8(ec, _temp.File("k.pem"), "s3cret");

        var error = Assert.Throws<CredentialException>(() => FileSigningKey.Load(path, () => null));

        Assert.Equal(CredentialErrorKind.KeyLocked, error.Kind);
        Assert.Contains("--private-key-password-env", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_WrongPassword_IsRefusedWithoutEchoingIt()
    {
        using var rsa = RSA.Create(2048);
        var path = TestKeys.WritePkcs8(rsa, _temp.File("k.pem"), "s3cret");

        var error = Assert.Throws<CredentialException>(() => FileSigningKey.Load(path, () => "wrong-guess"));

        Assert.Equal(CredentialErrorKind.KeyLocked, error.Kind);
        Assert.Contains("password is wrong", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-guess", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("p521", "P-256 and P-384 only")]
    [InlineData("rsa1024", "at least 2048 bits")]
    public void Load_KeyTypeRolesAnywhereRefuses_SaysWhatToMakeInstead(string kind, string expected)
    {
        using var key = TestKeys.Create(kind);
        var path = TestKeys.WritePkcs8(key, _temp.File("k.pem"));

        var error = Assert.Throws<CredentialException>(() => FileSigningKey.Load(path, () => null));

        Assert.Equal(CredentialErrorKind.KeyUnsupported, error.Kind);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingFile_NamesThePath()
    {
        var error = Assert.Throws<CredentialException>(() => FileSigningKey.Load(_temp.File("absent.pem"), () => null));

        Assert.Equal(CredentialErrorKind.KeyNotFound, error.Kind);
        Assert.Contains("absent.pem", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_FileWithoutAKey_SaysWhatFormsAreRead()
    {
        File.WriteAllText(_temp.File("cert.pem"), "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");

        var error = Assert.Throws<CredentialException>(() => FileSigningKey.Load(_temp.File("cert.pem"), () => null));

        Assert.Contains("PKCS#8", error.Message, StringComparison.Ordinal);
    }
}
