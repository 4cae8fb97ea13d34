using System.Security.Cryptography;

namespace OpenRolesAnywhere.TestCommon.FakeKms;

/// <summary>A KMS key held by <see cref="FakeKmsServer"/>: real key material, and the state KMS keeps about it.</summary>
public sealed class FakeKmsKey : IDisposable
{
    internal FakeKmsKey(string id, string arn, string keySpec, string keyUsage, AsymmetricAlgorithm? key)
    {
        Id = id;
        Arn = arn;
        KeySpec = keySpec;
        KeyUsage = keyUsage;
        Key = key;
    }

    public string Id { get; }

    public string Arn { get; }

    public string KeySpec { get; }

    public string KeyUsage { get; }

    /// <summary>Enabled, Disabled, PendingDeletion... as DescribeKey reports it.</summary>
    public string KeyState { get; set; } = "Enabled";

    /// <summary>Operations (DescribeKey, GetPublicKey, Sign) the key policy refuses to the caller.</summary>
    public HashSet<string> DeniedOperations { get; } = new(StringComparer.Ordinal);

    internal AsymmetricAlgorithm? Key { get; }

    public byte[] SubjectPublicKeyInfo => Key?.ExportSubjectPublicKeyInfo() ?? throw new InvalidOperationException("A symmetric key has no public key.");

    public IReadOnlyList<string> SigningAlgorithms => KeyUsage != "SIGN_VERIFY" ? [] : KeySpec switch
    {
        "ECC_NIST_P256" => ["ECDSA_SHA_256"],
        "ECC_NIST_P384" => ["ECDSA_SHA_384"],
        "ECC_NIST_P521" => ["ECDSA_SHA_512"],
        _ => ["RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384", "RSASSA_PKCS1_V1_5_SHA_512", "RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512"],
    };

    public void Dispose() => Key?.Dispose();
}
