using System.Globalization;
using System.Numerics;
using OpenRolesAnywhere.CertificateAuthority.Issuing;
using OpenRolesAnywhere.Core;

namespace OpenRolesAnywhere.CertificateAuthority.Tests.Issuing;

public sealed class SerialNumbersTests
{
    [Theory]
    [InlineData("12345", "12345")]
    [InlineData("0x3039", "12345")]
    [InlineData("30:39", "12345")]
    [InlineData(" 67890 ", "67890")]
    public void Parse_DecimalOrHex_SameNumber(string text, string expected)
    {
        Assert.Equal(BigInteger.Parse(expected, CultureInfo.InvariantCulture), SerialNumbers.Parse(text, "--serial"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("0x")]
    [InlineData("twelve")]
    [InlineData("1e5")]
    public void Parse_NotAPositiveSerial_ErrorNamingTheFlag(string text)
    {
        var error = Assert.Throws<CredentialException>(() => SerialNumbers.Parse(text, "--serial"));

        Assert.Equal(CredentialErrorKind.InvalidInput, error.Kind);
        Assert.Contains("--serial", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToBytes_TopBitSet_LeadingZeroKeepsItPositive()
    {
        var serial = BigInteger.Parse("0C2E6", NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);

        Assert.Equal([0x00, 0xC2, 0xE6], SerialNumbers.ToBytes(serial));
        Assert.Equal([0x30, 0x39], SerialNumbers.ToBytes(12345));
    }

    [Fact]
    public void Random_Always128BitsAndDistinct()
    {
        var serials = Enumerable.Range(0, 64).Select(_ => SerialNumbers.Random()).ToList();

        Assert.All(serials, s => Assert.Equal(128, (int)s.GetBitLength()));
        Assert.Equal(serials.Count, serials.Distinct().Count());
    }
}
