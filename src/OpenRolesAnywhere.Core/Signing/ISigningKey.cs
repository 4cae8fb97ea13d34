using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace OpenRolesAnywhere.Core.Signing;

/// <summary>
/// A private key held somewhere we cannot read it: an SSH agent, a PKCS#11 token, a TPM, or (for parity
/// with the official client) a key file. It signs the SHA-256 of <em>undigested</em> data because SSH
/// agents hash for themselves.
/// </summary>
public interface ISigningKey : IDisposable
{
    SigningKeyKind Kind { get; }

    /// <summary>The public half, to match against the certificate before anything is signed.</summary>
    PublicKey PublicKey { get; }

    /// <summary>Where the key lives, for messages: never anything secret.</summary>
    string Description { get; }

    /// <summary>
    /// Signs <see cref="SignatureHash"/> (SHA-256) of <paramref name="data"/>: PKCS#1 v1.5 for RSA, DER <c>SEQUENCE{r,s}</c> for ECDSA; ML-DSA
    /// signs <paramref name="data"/> itself (pure ML-DSA, empty context).
    /// Failures of the key's home (agent gone, token removed) surface as <see cref="CredentialException"/>.
    /// </summary>
    Task<byte[]> SignAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    /// <summary>
    /// The digest <see cref="SignAsync"/> signs over: SHA-256, except a P-384 key in an SSH agent opened as a CA's
    /// (<see cref="KeySources.IKeySourceProvider.OpenCaKeyAsync"/>), which the agent signs over SHA-384.
    /// </summary>
    HashAlgorithmName SignatureHash => HashAlgorithmName.SHA256;
}
