using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;

// .NET 10 marks MLDsa's PKCS#8/SPKI forms experimental (they were drafts when it shipped); RFC 9881 has since fixed them.
#pragma warning disable SYSLIB5006

namespace OpenRolesAnywhere.Core.Signing;

/// <summary>
/// ML-DSA (FIPS 204) keys: .NET's <see cref="MLDsa"/> where the platform has it (OpenSSL 3.5 and later), else
/// BouncyCastle. Pure ML-DSA over the message itself with an empty context, as <c>AWS4-X509-MLDSA</c> asks.
/// </summary>
public static class MlDsaKeys
{
    // RFC 9881's algorithm identifiers (NIST's id-ml-dsa-44/65/87).
    private static readonly Dictionary<string, SigningKeyKind> Kinds = new(StringComparer.Ordinal)
    {
        ["2.16.840.1.101.3.4.3.17"] = SigningKeyKind.MlDsa44,
        ["2.16.840.1.101.3.4.3.18"] = SigningKeyKind.MlDsa65,
        ["2.16.840.1.101.3.4.3.19"] = SigningKeyKind.MlDsa87,
    };

    /// <summary>The ML-DSA kind of an algorithm OID, or null for any other algorithm.</summary>
    public static SigningKeyKind? KindOf(string? oid) => oid is not null && Kinds.TryGetValue(oid, out var kind) ? kind : null;

    /// <summary>Whether <paramref name="pkcs8"/> (DER PrivateKeyInfo) holds an ML-DSA key.</summary>
    public static bool IsMlDsaPkcs8(byte[] pkcs8)
    {
        try
        {
            var info = new AsnReader(pkcs8, AsnEncodingRules.DER).ReadSequence();
            info.ReadInteger();
            return KindOf(info.ReadSequence().ReadObjectIdentifier()) is not null;
        }
        catch (AsnContentException)
        {
            return false;
        }
    }

    /// <summary>Opens a PKCS#8 ML-DSA private key; the caller disposes the result.</summary>
    public static MlDsaPrivateKey Import(byte[] pkcs8)
    {
        try
        {
            return MLDsa.IsSupported ? new Platform(MLDsa.ImportPkcs8PrivateKey(pkcs8)) : new Bouncy(pkcs8);
        }
        catch (Exception e) when (e is CryptographicException or AsnContentException or ArgumentException or InvalidCastException or InvalidOperationException or FormatException or IOException)
        {
            throw new CredentialException(CredentialErrorKind.KeyUnsupported, $"The ML-DSA private key is malformed: {e.Message}", e);
        }
    }

    /// <summary>Verifies a pure ML-DSA signature (empty context) with a certificate's public key.</summary>
    public static bool Verify(PublicKey publicKey, byte[] data, byte[] signature)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        var spki = publicKey.ExportSubjectPublicKeyInfo();
        if (MLDsa.IsSupported)
        {
            using var key = MLDsa.ImportSubjectPublicKeyInfo(spki);
            return key.VerifyData(data, signature);
        }

        var parameters = ParametersOf(publicKey.Oid.Value);
        var verifier = new MLDsaSigner(parameters, deterministic: true);
        verifier.Init(false, MLDsaPublicKeyParameters.FromEncoding(parameters, publicKey.EncodedKeyValue.RawData));
        verifier.BlockUpdate(data, 0, data.Length);
        return verifier.VerifySignature(signature);
    }

    private static MLDsaParameters ParametersOf(string? oid) => KindOf(oid) switch
    {
        SigningKeyKind.MlDsa44 => MLDsaParameters.ml_dsa_44,
        SigningKeyKind.MlDsa65 => MLDsaParameters.ml_dsa_65,
        SigningKeyKind.MlDsa87 => MLDsaParameters.ml_dsa_87,
        _ => throw new CredentialException(CredentialErrorKind.KeyUnsupported, $"{oid} is not an ML-DSA algorithm."),
    };

    private static string OidOf(MLDsaParameters parameters) =>
        Kinds.First(kind => ParametersOf(kind.Key) == parameters).Key;

    /// <summary>An ML-DSA private key in memory.</summary>
    public abstract class MlDsaPrivateKey : IDisposable
    {
        public abstract PublicKey PublicKey { get; }

        public abstract byte[] Sign(ReadOnlySpan<byte> data);

        public virtual void Dispose() => GC.SuppressFinalize(this);
    }

    private sealed class Platform(MLDsa key) : MlDsaPrivateKey
    {
        public override PublicKey PublicKey { get; } = PublicKey.CreateFromSubjectPublicKeyInfo(key.ExportSubjectPublicKeyInfo(), out _);

        public override byte[] Sign(ReadOnlySpan<byte> data) => key.SignData(data.ToArray());

        public override void Dispose()
        {
            key.Dispose();
            base.Dispose();
        }
    }

    private sealed class Bouncy : MlDsaPrivateKey
    {
        private readonly MLDsaPrivateKeyParameters _key;

        public Bouncy(byte[] pkcs8)
        {
            _key = ReadPrivateKey(pkcs8);
            // SubjectPublicKeyInfo written here: BouncyCastle's factories would bring every key type and curve into the executable.
            var writer = new AsnWriter(AsnEncodingRules.DER);
            using (writer.PushSequence())
            {
                using (writer.PushSequence())
                {
                    writer.WriteObjectIdentifier(OidOf(_key.Parameters));
                }

                writer.WriteBitString(_key.GetPublicKeyEncoded());
            }

            PublicKey = PublicKey.CreateFromSubjectPublicKeyInfo(writer.Encode(), out _);
        }

        /// <summary>
        /// RFC 9881's ML-DSA-PrivateKey inside PKCS#8: the seed ([0] IMPLICIT OCTET STRING), the expanded key (OCTET
        /// STRING), or both (SEQUENCE), in which case they must agree.
        /// </summary>
        private static MLDsaPrivateKeyParameters ReadPrivateKey(byte[] pkcs8)
        {
            var info = new AsnReader(pkcs8, AsnEncodingRules.DER).ReadSequence();
            info.ReadInteger();
            var algorithm = info.ReadSequence();
            var parameters = ParametersOf(algorithm.ReadObjectIdentifier());
            var key = new AsnReader(info.ReadOctetString(), AsnEncodingRules.DER);
            var tag = key.PeekTag();
            if (tag == new Asn1Tag(TagClass.ContextSpecific, 0))
            {
                return MLDsaPrivateKeyParameters.FromSeed(parameters, key.ReadOctetString(tag));
            }

            if (tag == Asn1Tag.PrimitiveOctetString)
            {
                return MLDsaPrivateKeyParameters.FromEncoding(parameters, key.ReadOctetString());
            }

            var both = key.ReadSequence();
            var fromSeed = MLDsaPrivateKeyParameters.FromSeed(parameters, both.ReadOctetString());
            return CryptographicOperations.FixedTimeEquals(fromSeed.GetEncoded(), both.ReadOctetString())
                ? fromSeed
                : throw new CryptographicException("its seed and expanded key do not belong together.");
        }

        public override PublicKey PublicKey { get; }

        public override byte[] Sign(ReadOnlySpan<byte> data)
        {
            // Hedged (randomized) signing, FIPS 204's default; the context is empty.
            var signer = new MLDsaSigner(_key.Parameters, deterministic: false);
            signer.Init(true, _key);
            signer.BlockUpdate(data);
            return signer.GenerateSignature();
        }
    }
}
