using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using OpenRolesAnywhere.Core;

namespace OpenRolesAnywhere.CertificateAuthority.Kms;

/// <summary>
/// The CA's private key, which never leaves KMS: .NET builds the certificate or CRL, this computes its
/// digest, KMS signs the digest (<c>MessageType DIGEST</c>), and the signature is checked against the
/// public key here before anything uses it.
/// </summary>
internal sealed class KmsSignatureGenerator : X509SignatureGenerator
{
    private readonly IAmazonKeyManagementService _kms;
    private readonly KeyAlgorithm _algorithm;
    private readonly PublicKey _publicKey;

    private KmsSignatureGenerator(IAmazonKeyManagementService kms, string keyArn, KeyAlgorithm algorithm, PublicKey publicKey)
    {
        _kms = kms;
        KeyArn = keyArn;
        _algorithm = algorithm;
        _publicKey = publicKey;
    }

    public string KeyArn { get; }

    public string KeySpec => _algorithm.KeySpec;

    /// <summary>SHA-384 for P-384 keys (so the hash matches the curve), SHA-256 otherwise.</summary>
    public HashAlgorithmName HashAlgorithm => _algorithm.Hash;

    public PublicKey KeyPublicKey => _publicKey;

    /// <summary>
    /// Finds the key (an id, ARN, alias name or alias ARN), checks it can act as a CA, and reads its public key.
    /// </summary>
    public static async Task<KmsSignatureGenerator> OpenAsync(IAmazonKeyManagementService kms, string keyId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(keyId))
        {
            throw new CredentialException(CredentialErrorKind.InvalidInput, "The KMS key id is empty: give a key id, key ARN, alias (alias/name) or alias ARN.");
        }

        var described = await KmsErrors.CallAsync(() => kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = keyId }, cancellationToken), "DescribeKey", keyId);
        var metadata = described.KeyMetadata;
        if (metadata.KeyUsage != KeyUsageType.SIGN_VERIFY)
        {
            throw new CredentialException(CredentialErrorKind.KeyUnsupported,
                $"The KMS key {metadata.Arn} has key usage {metadata.KeyUsage}; a CA needs an asymmetric SIGN_VERIFY key (ECC_NIST_P256, ECC_NIST_P384, RSA_2048/3072/4096). key.yml at the repository root creates one.");
        }

        if (metadata.KeyState != KeyState.Enabled)
        {
            throw new CredentialException(CredentialErrorKind.KeyLocked,
                $"The KMS key {metadata.Arn} is {metadata.KeyState}, not Enabled: enable it with `aws kms enable-key --key-id {metadata.KeyId}` (a key pending deletion must first be restored with `aws kms cancel-key-deletion`).");
        }

        var algorithm = KeyAlgorithm.For(metadata.KeySpec?.Value) ?? throw new CredentialException(CredentialErrorKind.KeyUnsupported,
            $"The KMS key {metadata.Arn} has key spec {metadata.KeySpec}; Roles Anywhere CAs need ECC_NIST_P256, ECC_NIST_P384 or RSA_2048/3072/4096.");
        if (metadata.SigningAlgorithms is { Count: > 0 } offered && !offered.Contains(algorithm.SigningAlgorithm))
        {
            throw new CredentialException(CredentialErrorKind.KeyUnsupported,
                $"The KMS key {metadata.Arn} does not offer {algorithm.SigningAlgorithm}; it offers {string.Join(", ", offered)}.");
        }

        var publicKeyResponse = await KmsErrors.CallAsync(() => kms.GetPublicKeyAsync(new GetPublicKeyRequest { KeyId = metadata.Arn }, cancellationToken), "GetPublicKey", metadata.Arn);
        PublicKey publicKey;
        try
        {
            publicKey = PublicKey.CreateFromSubjectPublicKeyInfo(publicKeyResponse.PublicKey.ToArray(), out _);
        }
        catch (CryptographicException e)
        {
            throw new CredentialException(CredentialErrorKind.KeyUnsupported, $"KMS returned a public key for {metadata.Arn} that is not a SubjectPublicKeyInfo: {e.Message}", e);
        }

        return new KmsSignatureGenerator(kms, metadata.Arn, algorithm, publicKey);
    }

    protected override PublicKey BuildPublicKey() => _publicKey;

    public override byte[] GetSignatureAlgorithmIdentifier(HashAlgorithmName hashAlgorithm)
    {
        EnsureHash(hashAlgorithm);
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(_algorithm.SignatureOid);
            if (_algorithm.IsRsa)
            {
                writer.WriteNull();
            }
        }

        return writer.Encode();
    }

    // X509SignatureGenerator is synchronous; one certificate or CRL is one KMS round trip.
    public override byte[] SignData(byte[] data, HashAlgorithmName hashAlgorithm) =>
        Task.Run(() => SignDataAsync(data, hashAlgorithm, CancellationToken.None)).GetAwaiter().GetResult();

    private async Task<byte[]> SignDataAsync(byte[] data, HashAlgorithmName hashAlgorithm, CancellationToken cancellationToken)
    {
        EnsureHash(hashAlgorithm);
        var digest = CryptographicOperations.HashData(hashAlgorithm, data);
        var response = await KmsErrors.CallAsync(() => _kms.SignAsync(new SignRequest
        {
            KeyId = KeyArn,
            Message = new MemoryStream(digest),
            MessageType = MessageType.DIGEST,
            SigningAlgorithm = _algorithm.SigningAlgorithm,
        }, cancellationToken), "Sign", KeyArn);
        var signature = response.Signature.ToArray();
        if (!Verifies(digest, signature))
        {
            throw new CredentialException(CredentialErrorKind.KeyMismatch,
                $"KMS returned a signature for {KeyArn} that does not verify with the key's public key; nothing was issued.");
        }

        return signature;
    }

    private bool Verifies(byte[] digest, byte[] signature)
    {
        if (_algorithm.IsRsa)
        {
            using var rsa = _publicKey.GetRSAPublicKey()!;
            return rsa.VerifyHash(digest, signature, _algorithm.Hash, RSASignaturePadding.Pkcs1);
        }

        using var ecdsa = _publicKey.GetECDsaPublicKey()!;
        return ecdsa.VerifyHash(digest, signature, DSASignatureFormat.Rfc3279DerSequence);
    }

    private void EnsureHash(HashAlgorithmName hashAlgorithm)
    {
        if (hashAlgorithm != _algorithm.Hash)
        {
            throw new ArgumentException($"The KMS key {KeyArn} ({KeySpec}) signs with {_algorithm.Hash.Name}, not {hashAlgorithm.Name}.", nameof(hashAlgorithm));
        }
    }

    /// <summary>How each key spec a CA may use signs: KMS algorithm, digest and X.509 algorithm identifier.</summary>
    private sealed record KeyAlgorithm(string KeySpec, SigningAlgorithmSpec SigningAlgorithm, HashAlgorithmName Hash, string SignatureOid, bool IsRsa)
    {
        public static KeyAlgorithm? For(string? keySpec) => keySpec switch
        {
            "ECC_NIST_P256" => new(keySpec, SigningAlgorithmSpec.ECDSA_SHA_256, HashAlgorithmName.SHA256, "1.2.840.10045.4.3.2", false),
            "ECC_NIST_P384" => new(keySpec, SigningAlgorithmSpec.ECDSA_SHA_384, HashAlgorithmName.SHA384, "1.2.840.10045.4.3.3", false),
            "RSA_2048" or "RSA_3072" or "RSA_4096" => new(keySpec, SigningAlgorithmSpec.RSASSA_PKCS1_V1_5_SHA_256, HashAlgorithmName.SHA256, "1.2.840.113549.1.1.11", true),
            _ => null,
        };
    }
}
