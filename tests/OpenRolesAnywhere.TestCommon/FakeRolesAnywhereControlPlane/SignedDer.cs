using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace OpenRolesAnywhere.TestCommon.FakeRolesAnywhereControlPlane;

/// <summary>
/// Checks the signature on an X.509 structure (<c>SEQUENCE { tbs, algorithm, BIT STRING }</c>): a CRL, as
/// Roles Anywhere checks an imported CRL against its trust anchor.
/// </summary>
public static class SignedDer
{
    /// <summary>Whether a signed structure (a certificate, a CRL) verifies with <paramref name="issuer"/>'s key.</summary>
    public static bool SignatureVerifies(byte[] der, X509Certificate2 issuer)
    {
        var outer = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
        var tbs = outer.ReadEncodedValue().ToArray();
        var algorithm = outer.ReadSequence().ReadObjectIdentifier();
        return Verifies(tbs, algorithm, outer.ReadBitString(out _), issuer);
    }

    private static bool Verifies(byte[] tbs, string algorithm, byte[] signature, X509Certificate2 issuer)
    {
        var hash = algorithm switch
        {
            "1.2.840.10045.4.3.2" or "1.2.840.113549.1.1.11" => HashAlgorithmName.SHA256,
            "1.2.840.10045.4.3.3" or "1.2.840.113549.1.1.12" => HashAlgorithmName.SHA384,
            "1.2.840.10045.4.3.4" or "1.2.840.113549.1.1.13" => HashAlgorithmName.SHA512,
            _ => throw new CryptographicException($"unsupported signature algorithm {algorithm}"),
        };
        if (issuer.GetECDsaPublicKey() is { } ecdsa)
        {
            using (ecdsa)
            {
                return ecdsa.VerifyData(tbs, signature, hash, DSASignatureFormat.Rfc3279DerSequence);
            }
        }

        using var rsa = issuer.GetRSAPublicKey()!;
        return rsa.VerifyData(tbs, signature, hash, RSASignaturePadding.Pkcs1);
    }

    /// <summary>Null when <paramref name="der"/> is a CRL signed by <paramref name="issuer"/>; otherwise what is wrong.</summary>
    public static string? CheckCrl(byte[] der, X509Certificate2 issuer)
    {
        try
        {
            var outer = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
            var tbs = outer.ReadEncodedValue().ToArray();
            var algorithm = outer.ReadSequence().ReadObjectIdentifier();
            var signature = outer.ReadBitString(out _);
            var tbsReader = new AsnReader(tbs, AsnEncodingRules.DER).ReadSequence();
            if (tbsReader.PeekTag() == Asn1Tag.Integer)
            {
                tbsReader.ReadInteger();
            }

            tbsReader.ReadSequence();
            var issuerName = new X500DistinguishedName(tbsReader.ReadEncodedValue().Span);
            if (!issuerName.RawData.AsSpan().SequenceEqual(issuer.SubjectName.RawData))
            {
                return $"The CRL issuer {issuerName.Name} is not the trust anchor's subject {issuer.Subject}.";
            }

            var valid = Verifies(tbs, algorithm, signature, issuer);
            return valid ? null : "The CRL signature does not verify with the trust anchor's public key.";
        }
        catch (Exception e) when (e is AsnContentException or CryptographicException)
        {
            return $"The CRL is malformed: {e.Message}";
        }
    }
}
