using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace OpenRolesAnywhere.Core.Signing;

/// <summary>
/// Lets .NET's <see cref="CertificateRequest"/> sign with a key it cannot hold (agent, token, KMS):
/// the CSR proof of possession is made by the key's own home.
/// </summary>
public sealed class SigningKeySignatureGenerator : X509SignatureGenerator
{
    private readonly ISigningKey _key;

    public SigningKeySignatureGenerator(ISigningKey key)
    {
        _key = key;
    }

    protected override PublicKey BuildPublicKey() => _key.PublicKey;

    public override byte[] GetSignatureAlgorithmIdentifier(HashAlgorithmName hashAlgorithm)
    {
        if (hashAlgorithm != HashAlgorithmName.SHA256)
        {
            throw new ArgumentException("Keys held outside this process sign over SHA-256 only.", nameof(hashAlgorithm));
        }

        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            if (_key.Kind == SigningKeyKind.Rsa)
            {
                writer.WriteObjectIdentifier("1.2.840.113549.1.1.11"); // sha256WithRSAEncryption
                writer.WriteNull();
            }
            else
            {
                writer.WriteObjectIdentifier("1.2.840.10045.4.3.2"); // ecdsa-with-SHA256, parameters absent
            }
        }

        return writer.Encode();
    }

    // X509SignatureGenerator is synchronous; the one-off signing of a CSR or certificate may block.
    public override byte[] SignData(byte[] data, HashAlgorithmName hashAlgorithm) =>
        _key.SignAsync(data, CancellationToken.None).GetAwaiter().GetResult();
}
