using System.Formats.Asn1;
using System.Numerics;
using OpenRolesAnywhere.Core;

namespace OpenRolesAnywhere.Signers.Pkcs11.Tests;

public sealed class EcdsaSignatureEncodingTests
{
    [Fact]
    public void RawToDer_LeadingZeroAndHighBit_MinimalDerIntegers()
    {
        // r starts with zero bytes (must be dropped); s has its top bit set (needs a 0x00 so it stays positive).
        var r = new byte[32];
        r[2] = 0x7f;
        r[31] = 0x01;
        var s = Enumerable.Repeat((byte)0xff, 32).ToArray();

        var der = Pkcs11SigningKey.RawToDer([.. r, .. s]);

        var sequence = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
        Assert.Equal(new BigInteger(r, isUnsigned: true, isBigEndian: true), sequence.ReadInteger());
        Assert.Equal(new BigInteger(s, isUnsigned: true, isBigEndian: true), sequence.ReadInteger());
        Assert.False(sequence.HasData);
    }

    [Fact]
    public void RawToDer_AllZeroHalf_EncodesZero()
    {
        var der = Pkcs11SigningKey.RawToDer([.. new byte[48], .. Enumerable.Repeat((byte)1, 48)]);

        var sequence = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
        Assert.Equal(BigInteger.Zero, sequence.ReadInteger());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(63)]
    public void RawToDer_NotRConcatS_SaysSo(int length)
    {
        var e = Assert.Throws<CredentialException>(() => Pkcs11SigningKey.RawToDer(new byte[length]));

        Assert.Contains("r||s", e.Message, StringComparison.Ordinal);
    }
}
