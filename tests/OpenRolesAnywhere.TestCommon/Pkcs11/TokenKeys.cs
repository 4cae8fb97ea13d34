using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace OpenRolesAnywhere.TestCommon.Pkcs11;

/// <summary>Makes keys and certificate objects on a token through its own PKCS#11 module, as a token vendor's tool would.</summary>
public static class TokenKeys
{
    public static readonly byte[] P256Parameters = Convert.FromHexString("06082a8648ce3d030107");
    public static readonly byte[] P384Parameters = Convert.FromHexString("06052b81040022");

    /// <summary>Generates a key pair on the token; <paramref name="canSign"/> false makes a key only for decryption.</summary>
    public static PublicKey Generate(ISession session, string label, byte[] id, byte[]? ecParameters, bool canSign = true)
    {
        var f = session.Factories.ObjectAttributeFactory;
        var publicTemplate = new List<IObjectAttribute>
        {
            f.Create(CKA.CKA_TOKEN, true), f.Create(CKA.CKA_LABEL, label), f.Create(CKA.CKA_ID, id), f.Create(CKA.CKA_VERIFY, canSign),
        };
        var privateTemplate = new List<IObjectAttribute>
        {
            f.Create(CKA.CKA_TOKEN, true), f.Create(CKA.CKA_PRIVATE, true), f.Create(CKA.CKA_SENSITIVE, true), f.Create(CKA.CKA_EXTRACTABLE, false),
            f.Create(CKA.CKA_LABEL, label), f.Create(CKA.CKA_ID, id), f.Create(CKA.CKA_SIGN, canSign),
        };
        if (!canSign)
        {
            publicTemplate.Add(f.Create(CKA.CKA_ENCRYPT, true));
            privateTemplate.Add(f.Create(CKA.CKA_DECRYPT, true));
        }

        CKM mechanism;
        if (ecParameters is null)
        {
            mechanism = CKM.CKM_RSA_PKCS_KEY_PAIR_GEN;
            publicTemplate.Add(f.Create(CKA.CKA_MODULUS_BITS, 2048UL));
            publicTemplate.Add(f.Create(CKA.CKA_PUBLIC_EXPONENT, new byte[] { 1, 0, 1 }));
        }
        else
        {
            mechanism = CKM.CKM_EC_KEY_PAIR_GEN;
            publicTemplate.Add(f.Create(CKA.CKA_EC_PARAMS, ecParameters));
        }

        session.GenerateKeyPair(session.Factories.MechanismFactory.Create(mechanism), publicTemplate, privateTemplate, out var publicKey, out _);
        return ReadPublicKey(session, publicKey, ecParameters);
    }

    public static void AddSecretKey(ISession session, string label, byte[] id)
    {
        var f = session.Factories.ObjectAttributeFactory;
        session.GenerateKey(session.Factories.MechanismFactory.Create(CKM.CKM_AES_KEY_GEN),
        [
            f.Create(CKA.CKA_TOKEN, true), f.Create(CKA.CKA_LABEL, label), f.Create(CKA.CKA_ID, id), f.Create(CKA.CKA_VALUE_LEN, 32UL),
            f.Create(CKA.CKA_ENCRYPT, true),
        ]);
    }

    public static void AddCertificate(ISession session, string label, byte[] id, X509Certificate2 certificate)
    {
        var f = session.Factories.ObjectAttributeFactory;
        session.CreateObject(
        [
            f.Create(CKA.CKA_CLASS, CKO.CKO_CERTIFICATE), f.Create(CKA.CKA_CERTIFICATE_TYPE, CKC.CKC_X_509), f.Create(CKA.CKA_TOKEN, true),
            f.Create(CKA.CKA_LABEL, label), f.Create(CKA.CKA_ID, id), f.Create(CKA.CKA_SUBJECT, certificate.SubjectName.RawData),
            f.Create(CKA.CKA_ISSUER, certificate.IssuerName.RawData), f.Create(CKA.CKA_VALUE, certificate.RawData),
        ]);
    }

    private static PublicKey ReadPublicKey(ISession session, IObjectHandle publicKey, byte[]? ecParameters)
    {
        if (ecParameters is null)
        {
            var values = session.GetAttributeValue(publicKey, [CKA.CKA_MODULUS, CKA.CKA_PUBLIC_EXPONENT]);
            using var rsa = RSA.Create(new RSAParameters { Modulus = values[0].GetValueAsByteArray(), Exponent = values[1].GetValueAsByteArray() });
            return PublicKey.CreateFromSubjectPublicKeyInfo(rsa.ExportSubjectPublicKeyInfo(), out _);
        }

        var point = new AsnReader(session.GetAttributeValue(publicKey, [CKA.CKA_EC_POINT])[0].GetValueAsByteArray(), AsnEncodingRules.DER).ReadOctetString();
        var size = (point.Length - 1) / 2;
        using var ec = ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.CreateFromValue(new AsnReader(ecParameters, AsnEncodingRules.DER).ReadObjectIdentifier()),
            Q = new ECPoint { X = point[1..(1 + size)], Y = point[(1 + size)..] },
        });
        return PublicKey.CreateFromSubjectPublicKeyInfo(ec.ExportSubjectPublicKeyInfo(), out _);
    }
}
