using OpenRolesAnywhere.Core.Certificates;
using OpenRolesAnywhere.TestCommon;

namespace OpenRolesAnywhere.Core.Tests.Certificates;

public sealed class CertificateBundleTests : IDisposable
{
    private readonly TestPki _pki = TestPki.Create();
    private readonly TempDirectory _temp = new();

    public void Dispose()
    {
        _pki.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public void Load_LeafThenIntermediate_SplitsThem()
    {
        using var key = TestKeys.Create("p256");
        using var leaf = _pki.Issue(TestKeys.PublicKeyOf(key));

        using var bundle = CertificateBundle.Load(_pki.WritePem(_temp.File("c.pem"), leaf));

        Assert.Equal(leaf.Thumbprint, bundle.Leaf.Thumbprint);
        Assert.Equal(_pki.Intermediate.Thumbprint, Assert.Single(bundle.Intermediates).Thumbprint);
    }

    [Fact]
    public void SerialNumberDecimal_IsTheUnsignedDecimalOfTheSerial()
    {
        using var key = TestKeys.Create("p256");
        using var leaf = _pki.Issue(TestKeys.PublicKeyOf(key));
        using var bundle = CertificateBundle.Load(_pki.WritePem(_temp.File("c.pem"), leaf));

        var expected = System.Numerics.BigInteger.Parse("0" + leaf.SerialNumber, System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(expected.ToString(System.Globalization.CultureInfo.InvariantCulture), bundle.SerialNumberDecimal);
    }

    [Fact]
    public void ArnsFromSubjectAlternativeName_ReadsTrustAnchorAndProfile()
    {
        const string anchor = "arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/abc";
        const string profile = "arn:aws:rolesanywhere:us-east-1:123456789012:profile/def";
        using var key = TestKeys.Create("p256");
        using var leaf = _pki.Issue(TestKeys.PublicKeyOf(key), uris: [profile, "https://example.com/other", anchor]);
        using var bundle = CertificateBundle.Load(_pki.WritePem(_temp.File("c.pem"), leaf));

        Assert.Equal((anchor, profile), bundle.ArnsFromSubjectAlternativeName());
    }

    [Fact]
    public void Load_NoCertificateInFile_SaysWhatWasExpected()
    {
        File.WriteAllText(_temp.File("k.pem"), "not a certificate");

        var error = Assert.Throws<CredentialException>(() => CertificateBundle.Load(_temp.File("k.pem")));

        Assert.Equal(CredentialErrorKind.CertificateInvalid, error.Kind);
        Assert.Contains("BEGIN CERTIFICATE", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EnsureValidAt_BeforeNotBefore_PointsAtTheClock()
    {
        using var key = TestKeys.Create("p256");
        using var leaf = _pki.Issue(TestKeys.PublicKeyOf(key), notBefore: DateTimeOffset.UtcNow.AddDays(1), notAfter: DateTimeOffset.UtcNow.AddDays(2));
        using var bundle = CertificateBundle.Load(_pki.WritePem(_temp.File("c.pem"), leaf));

        var error = Assert.Throws<CredentialException>(() => bundle.EnsureValidAt(DateTimeOffset.UtcNow));

        Assert.Contains("clock", error.Message, StringComparison.Ordinal);
    }
}
