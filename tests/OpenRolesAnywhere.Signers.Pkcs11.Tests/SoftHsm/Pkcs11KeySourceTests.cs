using System.Text;
using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.Core.Credentials;
using OpenRolesAnywhere.Core.KeySources;
using OpenRolesAnywhere.Core.RolesAnywhere;
using OpenRolesAnywhere.Core.Signing;
using OpenRolesAnywhere.TestCommon.Pkcs11;

namespace OpenRolesAnywhere.Signers.Pkcs11.Tests.SoftHsm;

/// <summary>The token as a registered key backend: keys opened asynchronously and certificates read from SoftHSM2.</summary>
[Collection(SoftHsmTests.Name)]
public sealed class Pkcs11KeySourceTests
{
    private static readonly byte[] Data = Encoding.UTF8.GetBytes("AWS4-X509-ECDSA-SHA256\n20261124T060000Z\nscope\nabc");
    private static readonly KeySourceProviders Keys = new([Pkcs11SigningKeyTests.Source(), new FileKeySource(_ => null, prompt: null)]);
    private readonly SoftHsmFixture _hsm;

    public Pkcs11KeySourceTests(SoftHsmFixture hsm)
    {
        _hsm = hsm;
    }

    [Fact]
    public async Task OpenAsync_KeyUri_SignsWithTheTokenKey()
    {
        using var key = await Keys.OpenAsync(new KeySourceOptions { PrivateKey = _hsm.P256.KeyUri() }, null, CancellationToken.None);

        Assert.IsType<Pkcs11SigningKey>(key);
        Assert.True(Pkcs11SigningKeyTests.Verify(_hsm.P256.Certificate, Data, await key.SignAsync(Data, CancellationToken.None)));
    }

    [Fact]
    public async Task LoadCertificateThenOpenAsync_CertificateAndKeyOnToken_FitEachOther()
    {
        var options = new KeySourceOptions { PrivateKey = _hsm.Rsa.KeyUri() };

        using var certificate = Keys.LoadCertificate(_hsm.Rsa.CertificateUri, null, options);
        using var key = await Keys.OpenAsync(options, certificate, CancellationToken.None);

        Assert.Equal(_hsm.Rsa.Certificate.RawData, certificate.Leaf.RawData);
        RolesAnywhereClient.EnsureKeyFitsCertificate(certificate, key);
    }

    [Fact]
    public async Task OpenAsync_NoSuchKey_KeyNotFound()
    {
        var e = await Assert.ThrowsAsync<CredentialException>(() =>
            Keys.OpenAsync(new KeySourceOptions { PrivateKey = SoftHsmFixture.Uri("object=nothing;type=private") }, null, CancellationToken.None).AsTask());

        Assert.Equal(CredentialErrorKind.KeyNotFound, e.Kind);
    }

    [Fact]
    public async Task OpenAsync_Cancelled_ThrowsWithoutTouchingTheToken()
    {
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            Keys.OpenAsync(new KeySourceOptions { PrivateKey = _hsm.P256.KeyUri() }, null, new CancellationToken(canceled: true)).AsTask());
    }

    [Fact]
    public void DescribeCertificateAndKey_UrisWithPins_LeaveThePinsOut()
    {
        var options = new KeySourceOptions { PrivateKey = _hsm.P256.KeyUri() };

        Assert.DoesNotContain(SoftHsmFixture.Pin, Keys.DescribeKey(options), StringComparison.Ordinal);
        Assert.Contains("pkcs11:", Keys.DescribeKey(options), StringComparison.Ordinal);
        Assert.DoesNotContain("pin-value", Keys.DescribeCertificate(SoftHsmFixture.Uri("object=p256;type=cert")), StringComparison.Ordinal);
    }
}
