using System.Formats.Asn1;
using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;
using OpenRolesAnywhere.Core.Signing;

namespace OpenRolesAnywhere.Core.Tests.Signing;

/// <summary>RFC 9881's three private key forms, written here byte by byte rather than by the library under test.</summary>
public sealed class MlDsaKeysTests
{
    private const string MlDsa65 = "2.16.840.1.101.3.4.3.18";

    [Theory]
    [InlineData("seed")]
    [InlineData("expandedKey")]
    [InlineData("both")]
    public void Import_EachRfc9881Form_SignsAsTheGeneratedKey(string form)
    {
        var key = Generate();
        var pkcs8 = Pkcs8(form, key.GetSeed(), key.GetEncoded());

        using var imported = MlDsaKeys.Import(pkcs8);
        var signature = imported.Sign("hello"u8);

        Assert.Equal(MlDsa65, imported.PublicKey.Oid.Value);
        Assert.Equal(key.GetPublicKeyEncoded(), imported.PublicKey.EncodedKeyValue.RawData);
        Assert.True(MlDsaKeys.Verify(imported.PublicKey, "hello"u8.ToArray(), signature));
        Assert.False(MlDsaKeys.Verify(imported.PublicKey, "hellO"u8.ToArray(), signature));
    }

    [Fact]
    public void Import_SeedAndExpandedKeyOfDifferentKeys_RefusedAsMalformed()
    {
        var pkcs8 = Pkcs8("both", Generate().GetSeed(), Generate().GetEncoded());

        var error = Assert.Throws<CredentialException>(() => MlDsaKeys.Import(pkcs8));

        Assert.Equal(CredentialErrorKind.KeyUnsupported, error.Kind);
        Assert.Contains("The ML-DSA private key is malformed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Import_PrivateKeyOfNoKnownForm_RefusedAsMalformed()
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.WriteInteger(7);

        var error = Assert.Throws<CredentialException>(() => MlDsaKeys.Import(Wrap(writer.Encode())));

        Assert.Equal(CredentialErrorKind.KeyUnsupported, error.Kind);
        Assert.Contains("The ML-DSA private key is malformed", error.Message, StringComparison.Ordinal);
    }

    private static MLDsaPrivateKeyParameters Generate()
    {
        var generator = new MLDsaKeyPairGenerator();
        generator.Init(new MLDsaKeyGenerationParameters(new SecureRandom(), MLDsaParameters.ml_dsa_65));
        return (MLDsaPrivateKeyParameters)generator.GenerateKeyPair().Private;
    }

    private static byte[] Pkcs8(string form, byte[] seed, byte[] expanded)
    {
        var key = new AsnWriter(AsnEncodingRules.DER);
        switch (form)
        {
            case "seed":
                key.WriteOctetString(seed, new Asn1Tag(TagClass.ContextSpecific, 0));
                break;
            case "expandedKey":
                key.WriteOctetString(expanded);
                break;
            default:
                using (key.PushSequence())
                {
                    key.WriteOctetString(seed);
                    key.WriteOctetString(expanded);
                }

                break;
        }

        return Wrap(key.Encode());
    }

    private static byte[] Wrap(byte[] privateKey)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteInteger(0);
            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier(MlDsa65);
            }

            writer.WriteOctetString(privateKey);
        }

        return writer.Encode();
    }
}
