using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.Core.Credentials;
using OpenRolesAnywhere.Core.RolesAnywhere;
using OpenRolesAnywhere.TestCommon.Pkcs11;

namespace OpenRolesAnywhere.Signers.Pkcs11.Tests.SoftHsm;

[Collection(SoftHsmTests.Name)]
public sealed class Pkcs11CertificateTests
{
    private readonly SoftHsmFixture _hsm;

    public Pkcs11CertificateTests(SoftHsmFixture hsm)
    {
        _hsm = hsm;
    }

    private static Pkcs11KeySource Source => Pkcs11SigningKeyTests.Source();

    [Theory]
    [MemberData(nameof(Pkcs11SigningKeyTests.Labels), MemberType = typeof(Pkcs11SigningKeyTests))]
    public void LoadCertificate_CertificateOnToken_SameAsIssuedAndFitsItsKey(string label)
    {
        var expected = _hsm.Keys.Single(k => k.Label == label);

        using var bundle = Source.LoadCertificate(expected.CertificateUri, null, new KeySourceOptions());
        using var key = Source.OpenKey(expected.KeyUri(), new KeySourceOptions());

        Assert.Equal(expected.Certificate.RawData, bundle.Leaf.RawData);
        Assert.Empty(bundle.Intermediates);
        RolesAnywhereClient.EnsureKeyFitsCertificate(bundle, key);
    }

    [Fact]
    public void LoadCertificate_ById_WithIntermediatesFromFile()
    {
        var intermediates = Path.Combine(_hsm.Directory, "intermediate.pem");
        File.WriteAllText(intermediates, _hsm.Pki.Intermediate.ExportCertificatePem() + "\n");

        using var bundle = Source.LoadCertificate(SoftHsmFixture.Uri($"id={_hsm.P256.IdPercent};type=cert", null), intermediates, new KeySourceOptions());

        Assert.Equal(_hsm.P256.Certificate.RawData, bundle.Leaf.RawData);
        Assert.Equal(_hsm.Pki.Intermediate.RawData, Assert.Single(bundle.Intermediates).RawData);
    }

    [Fact]
    public void LoadCertificate_NoSuchCertificate_ListsThoseThere()
    {
        var e = Assert.Throws<CredentialException>(() => Source.LoadCertificate(SoftHsmFixture.Uri("object=nothing;type=cert", null), null, new KeySourceOptions()));

        Assert.Equal(CredentialErrorKind.CertificateInvalid, e.Kind);
        Assert.Contains("\"rsa\" (id 01)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadCertificate_UriOfPrivateKey_AsksForTypeCert()
    {
        var e = Assert.Throws<CredentialException>(() => Source.LoadCertificate(_hsm.Rsa.KeyUri(), null, new KeySourceOptions()));

        Assert.Equal(CredentialErrorKind.InvalidInput, e.Kind);
        Assert.Contains("type=cert", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("pin-value", e.Message, StringComparison.Ordinal);
    }
}
