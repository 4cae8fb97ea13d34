using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using OpenRolesAnywhere.Core;

namespace OpenRolesAnywhere.Signers.Pkcs11.Tokens;

/// <summary>
/// The public half of a private key on a token: from the private key object's own attributes when the token
/// shows them, else from the public key object with the same <c>CKA_ID</c>.
/// </summary>
internal static class Pkcs11PublicKeys
{
    public static PublicKey Rsa(Pkcs11Token token, IObjectHandle privateKey)
    {
        var values = ReadWithFallback(token, privateKey, CKA.CKA_MODULUS, CKA.CKA_PUBLIC_EXPONENT);
        using var rsa = RSA.Create(new RSAParameters { Modulus = values[0], Exponent = values[1] });
        return PublicKey.CreateFromSubjectPublicKeyInfo(rsa.ExportSubjectPublicKeyInfo(), out _);
    }

    public static PublicKey Ec(Pkcs11Token token, IObjectHandle privateKey)
    {
        var values = ReadWithFallback(token, privateKey, CKA.CKA_EC_PARAMS, CKA.CKA_EC_POINT);
        var curve = Curve(values[0]!, token, privateKey);
        var point = UncompressedPoint(values[1]!);
        var size = (point.Length - 1) / 2;
        if (point.Length < 3 || point[0] != 0x04 || point.Length % 2 != 1)
        {
            throw new CredentialException(CredentialErrorKind.KeyUnsupported,
                $"The EC key {token.DescribeObject(privateKey)} on {token.Description} has a public point this client cannot read (not an uncompressed point).");
        }

        using var ec = ECDsa.Create(new ECParameters
        {
            Curve = curve,
            Q = new ECPoint { X = point[1..(1 + size)], Y = point[(1 + size)..] },
        });
        return PublicKey.CreateFromSubjectPublicKeyInfo(ec.ExportSubjectPublicKeyInfo(), out _);
    }

    private static byte[][] ReadWithFallback(Pkcs11Token token, IObjectHandle privateKey, CKA first, CKA second)
    {
        var own = token.Read(privateKey, first, second);
        if (own[0] is { Length: > 0 } a && own[1] is { Length: > 0 } b)
        {
            return [a, b];
        }

        var id = token.Read(privateKey, CKA.CKA_ID)[0];
        if (id is { Length: > 0 })
        {
            var factory = token.Module.Factories.ObjectAttributeFactory;
            var publicKeys = token.Session.FindAllObjects(
            [
                factory.Create(CKA.CKA_CLASS, CKO.CKO_PUBLIC_KEY),
                factory.Create(CKA.CKA_ID, id),
            ]);
            foreach (var publicKey in publicKeys)
            {
                var values = token.Read(publicKey, first, second);
                if (values[0] is { Length: > 0 } c && values[1] is { Length: > 0 } d)
                {
                    // The private key's own half, where it has one, wins over the public object's.
                    return [own[0] is { Length: > 0 } ownFirst ? ownFirst : c, d];
                }
            }
        }

        throw new CredentialException(CredentialErrorKind.KeyNotFound,
            $"The public half of {token.DescribeObject(privateKey)} on {token.Description} cannot be read: the private key does not show {first} and {second}, and no public key object has its CKA_ID. Import the public key (or certificate) with the same id.");
    }

    private static ECCurve Curve(byte[] parameters, Pkcs11Token token, IObjectHandle key)
    {
        string oid;
        try
        {
            oid = new AsnReader(parameters, AsnEncodingRules.DER).ReadObjectIdentifier();
        }
        catch (AsnContentException)
        {
            throw new CredentialException(CredentialErrorKind.KeyUnsupported,
                $"The EC key {token.DescribeObject(key)} on {token.Description} uses explicit curve parameters; Roles Anywhere accepts the named curves P-256 and P-384 only.");
        }

        return ECCurve.CreateFromValue(oid);
    }

    /// <summary>CKA_EC_POINT is a DER OCTET STRING around the point; a few tokens give the bare point.</summary>
    private static byte[] UncompressedPoint(byte[] value)
    {
        if (value.Length > 0 && value[0] == 0x04)
        {
            try
            {
                var reader = new AsnReader(value, AsnEncodingRules.DER);
                var inner = reader.ReadOctetString();
                if (!reader.HasData)
                {
                    return inner;
                }
            }
            catch (AsnContentException)
            {
                // Not DER: the bare point.
            }
        }

        return value;
    }
}
