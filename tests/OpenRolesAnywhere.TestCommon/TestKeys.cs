using System.Security.Cryptography;

namespace OpenRolesAnywhere.TestCommon;

/// <summary>Throwaway private keys written as PEM into a test's temp folder, for the key-file source.</summary>
public static class TestKeys
{
    public static AsymmetricAlgorithm Create(string kind) => kind switch
    {
        "rsa2048" => RSA.Create(2048),
        "rsa3072" => RSA.Create(3072),
        "p256" => ECDsa.Create(ECCurve.NamedCurves.nistP256),
        "p384" => ECDsa.Create(ECCurve.NamedCurves.nistP384),
        "p521" => ECDsa.Create(ECCurve.NamedCurves.nistP521),
        "rsa1024" => RSA.Create(1024),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown test key kind"),
    };

    public static string WritePkcs8(AsymmetricAlgorithm key, string path, string? password = null)
    {
        var pem = password is null
            ? key.ExportPkcs8PrivateKeyPem()
            : key.ExportEncryptedPkcs8PrivateKeyPem(password, new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 100_000));
        File.WriteAllText(path, pem);
        return path;
    }

    public static System.Security.Cryptography.X509Certificates.PublicKey PublicKeyOf(AsymmetricAlgorithm key) => key switch
    {
        RSA rsa => new(rsa),
        ECDsa ec => new(ec),
        _ => throw new ArgumentException("RSA or ECDsa only", nameof(key)),
    };

    /// <summary>Checks a CreateSession-style signature (SHA-256; PKCS#1 v1.5 for RSA, DER for ECDSA) with .NET alone.</summary>
    public static bool VerifySha256(System.Security.Cryptography.X509Certificates.PublicKey key, byte[] data, byte[] signature)
    {
        using var rsa = key.GetRSAPublicKey();
        if (rsa is not null)
        {
            return rsa.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }

        using var ec = key.GetECDsaPublicKey() ?? throw new ArgumentException("RSA or EC public keys only", nameof(key));
        return ec.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
    }

    /// <summary>
    /// An ML-DSA key pair made by BouncyCastle, written as unencrypted PKCS#8 PEM; returns the file and the public key
    /// (for a certificate). <paramref name="level"/> is 44, 65 or 87.
    /// </summary>
    public static (string Path, System.Security.Cryptography.X509Certificates.PublicKey PublicKey) WriteMlDsa(int level, string path)
    {
        var parameters = level switch
        {
            44 => Org.BouncyCastle.Crypto.Parameters.MLDsaParameters.ml_dsa_44,
            65 => Org.BouncyCastle.Crypto.Parameters.MLDsaParameters.ml_dsa_65,
            87 => Org.BouncyCastle.Crypto.Parameters.MLDsaParameters.ml_dsa_87,
            _ => throw new ArgumentOutOfRangeException(nameof(level), level, "44, 65 or 87"),
        };
        var generator = new Org.BouncyCastle.Crypto.Generators.MLDsaKeyPairGenerator();
        generator.Init(new Org.BouncyCastle.Crypto.Parameters.MLDsaKeyGenerationParameters(new Org.BouncyCastle.Security.SecureRandom(), parameters));
        var pair = generator.GenerateKeyPair();
        var pkcs8 = Org.BouncyCastle.Pkcs.PrivateKeyInfoFactory.CreatePrivateKeyInfo(pair.Private).GetEncoded();
        var spki = Org.BouncyCastle.X509.SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo(pair.Public).GetEncoded();
        File.WriteAllText(path, PemEncoding.WriteString("PRIVATE KEY", pkcs8));
        return (path, System.Security.Cryptography.X509Certificates.PublicKey.CreateFromSubjectPublicKeyInfo(spki, out _));
    }
}
