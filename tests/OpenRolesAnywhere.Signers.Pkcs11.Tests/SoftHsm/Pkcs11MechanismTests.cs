using System.Text;
using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.Core.Credentials;
using OpenRolesAnywhere.TestCommon.Pkcs11;

namespace OpenRolesAnywhere.Signers.Pkcs11.Tests.SoftHsm;

/// <summary>
/// A token that lacks mechanisms: a second copy of the SoftHSM module (a separate instance in this process)
/// started with a config that disables CKM_SHA256_RSA_PKCS and CKM_ECDSA, over the same token files.
/// </summary>
[Collection(SoftHsmTests.Name)]
public sealed class Pkcs11MechanismTests : IDisposable
{
    private static readonly byte[] Data = Encoding.UTF8.GetBytes("string to sign");
    private readonly SoftHsmFixture _hsm;
    private readonly string _module;

    public Pkcs11MechanismTests(SoftHsmFixture hsm)
    {
        _hsm = hsm;
        var directory = Directory.CreateDirectory(Path.Combine(hsm.Directory, "restricted-" + Guid.NewGuid().ToString("N"))).FullName;
        _module = Path.Combine(directory, "libsofthsm2.so");
        File.Copy(SoftHsmFixture.ModulePath, _module);
        var config = Path.Combine(directory, "softhsm2.conf");
        File.WriteAllText(config, File.ReadAllText(hsm.ConfigPath) + "slots.mechanisms = -,CKM_SHA256_RSA_PKCS,CKM_ECDSA\n");
        // SoftHSM reads its config when the module starts, which is when the test opens the key.
        NativeEnvironment.Set("SOFTHSM2_CONF", config);
    }

    private string Uri(string label) =>
        $"pkcs11:token={SoftHsmFixture.TokenLabel};object={label};type=private?module-path={_module}&pin-value={SoftHsmFixture.Pin}";

    [Fact]
    public async Task SignAsync_TokenWithoutSha256RsaPkcs_FallsBackToRsaPkcsOverDigestInfo()
    {
        using var key = Pkcs11SigningKeyTests.Source().OpenKey(Uri("rsa"), new KeySourceOptions());

        var signature = await key.SignAsync(Data, CancellationToken.None);

        Assert.Equal("CKM_RSA_PKCS", key.Mechanism);
        Assert.True(Pkcs11SigningKeyTests.Verify(_hsm.Rsa.Certificate, Data, signature));
    }

    [Fact]
    public void OpenKey_TokenWithoutEcdsa_NamesTheMissingMechanism()
    {
        var e = Assert.Throws<CredentialException>(() => Pkcs11SigningKeyTests.Source().OpenKey(Uri("p256"), new KeySourceOptions()));

        Assert.Equal(CredentialErrorKind.KeyUnsupported, e.Kind);
        Assert.Contains("cannot sign with CKM_ECDSA", e.Message, StringComparison.Ordinal);
        var offered = e.Message[(e.Message.IndexOf("It offers: ", StringComparison.Ordinal) + "It offers: ".Length)..].TrimEnd('.').Split(", ");
        Assert.Contains("CKM_RSA_PKCS", offered);
        Assert.DoesNotContain("CKM_ECDSA", offered);
    }

    public void Dispose() => NativeEnvironment.Set("SOFTHSM2_CONF", _hsm.ConfigPath);
}
