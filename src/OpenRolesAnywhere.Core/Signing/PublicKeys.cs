using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace OpenRolesAnywhere.Core.Signing;

/// <summary>Comparing and describing public keys, whatever object they come in.</summary>
public static class PublicKeys
{
    public static bool AreEqual(PublicKey left, PublicKey right) =>
        left.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(right.ExportSubjectPublicKeyInfo());

    /// <summary>The kind of key, or a message saying why this key cannot sign CreateSession.</summary>
    public static SigningKeyKind KindOf(PublicKey key)
    {
        try
        {
            return KindOfDecoded(key);
        }
        catch (Exception e) when (e is CryptographicException or NotSupportedException)
        {
            // A certificate or request whose key does not decode (an EC point off its curve, an unknown curve).
            throw new CredentialException(CredentialErrorKind.KeyUnsupported, $"The public key is malformed ({e.Message}): it cannot have signed anything.", e);
        }
    }

    private static SigningKeyKind KindOfDecoded(PublicKey key)
    {
        if (key.GetRSAPublicKey() is { } rsa)
        {
            using (rsa)
            {
                return rsa.KeySize >= 2048
                    ? SigningKeyKind.Rsa
                    : throw new CredentialException(CredentialErrorKind.KeyUnsupported,
                        $"RSA keys must have at least 2048 bits; this one has {rsa.KeySize}. Make a new key, e.g. `ssh-keygen -t rsa -b 3072`.");
            }
        }

        if (key.GetECDsaPublicKey() is { } ec)
        {
            using (ec)
            {
                var curve = ec.ExportParameters(false).Curve;
                if (curve.Oid.Value == ECCurve.NamedCurves.nistP256.Oid.Value)
                {
                    return SigningKeyKind.EcdsaP256;
                }

                if (curve.Oid.Value == ECCurve.NamedCurves.nistP384.Oid.Value)
                {
                    return SigningKeyKind.EcdsaP384;
                }

                throw new CredentialException(CredentialErrorKind.KeyUnsupported,
                    $"Roles Anywhere accepts EC keys on P-256 and P-384 only, not {curve.Oid.FriendlyName ?? curve.Oid.Value}. Make a P-256 key instead.");
            }
        }

        throw new CredentialException(CredentialErrorKind.KeyUnsupported,
            $"Roles Anywhere accepts RSA and EC (P-256, P-384) keys only, not {key.Oid.FriendlyName ?? key.Oid.Value}.");
    }
}
