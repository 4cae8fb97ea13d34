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
        if (hashAlgorithm != _key.SignatureHash)
        {
            throw new ArgumentException($"The {_key.Description} signs over {_key.SignatureHash.Name}, not {hashAlgorithm.Name}.", nameof(hashAlgorithm));
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
                // ecdsa-with-SHA256 or ecdsa-with-SHA384 (RFC 5758 3.2), parameters absent
                writer.WriteObjectIdentifier(hashAlgorithm == HashAlgorithmName.SHA384 ? "1.2.840.10045.4.3.3" : "1.2.840.10045.4.3.2");
            }
        }

        return writer.Encode();
    }

    // X509SignatureGenerator is synchronous; the one-off signing of a CSR or certificate may block.
    public override byte[] SignData(byte[] data, HashAlgorithmName hashAlgorithm) =>
        _key.SignAsync(data, CancellationToken.None).GetAwaiter().GetResult();
}
