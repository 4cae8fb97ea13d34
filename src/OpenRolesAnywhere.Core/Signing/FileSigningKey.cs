using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace OpenRolesAnywhere.Core.Signing;

/// <summary>
/// A private key read from a PEM file (PKCS#1, SEC1, PKCS#8, or encrypted PKCS#8; ML-DSA as unencrypted PKCS#8),
/// held in memory only.
/// Offered for parity with the official client: an agent or token keeps the key where it cannot be copied.
/// </summary>
public sealed class FileSigningKey : ISigningKey
{
    private readonly IDisposable _key;

    private FileSigningKey(IDisposable key, string path)
    {
        _key = key;
        PublicKey = key switch
        {
            RSA rsa => new PublicKey(rsa),
            ECDsa ec => new PublicKey(ec),
            MlDsaKeys.MlDsaPrivateKey mlDsa => mlDsa.PublicKey,
            _ => throw new InvalidOperationException("unreachable: only RSA, ECDsa and ML-DSA keys are loaded"),
        };
        Kind = PublicKeys.KindOf(PublicKey);
        Description = $"key file {path}";
    }

    public SigningKeyKind Kind { get; }

    public PublicKey PublicKey { get; }

    public string Description { get; }

    /// <param name="password">For encrypted PKCS#8; asked for only when the file is encrypted.</param>
    public static FileSigningKey Load(string path, Func<string?> password) => FromPem(ReadPem(path), path, password);

    /// <summary>The key in <paramref name="pem"/>, or a <see cref="CredentialException"/> naming <paramref name="path"/>.</summary>
    public static FileSigningKey FromPem(string pem, string path, Func<string?> password)
    {
        ArgumentNullException.ThrowIfNull(pem);
        RefuseOpenSshFormat(pem, path);
        if (MlDsaPkcs8(pem) is { } mlDsa)
        {
            return Create(MlDsaKeys.Import(mlDsa), path);
        }

        var encrypted = pem.Contains("-----BEGIN ENCRYPTED PRIVATE KEY-----", StringComparison.Ordinal);
        var secret = encrypted
            ? password() ?? throw new CredentialException(CredentialErrorKind.KeyLocked,
                $"The private key file {path} is encrypted: give its password in the environment variable named by --private-key-password-env, or run in a terminal to be asked for it.")
            : null;
        foreach (var algorithm in new Func<AsymmetricAlgorithm>[] { RSA.Create, ECDsa.Create })
        {
            var key = algorithm();
            try
            {
                if (secret is null)
                {
                    key.ImportFromPem(pem);
                }
                else
                {
                    key.ImportFromEncryptedPem(pem, secret);
                }
            }
            catch (Exception e) when (e is CryptographicException or ArgumentException or NotSupportedException)
            {
                // Not this algorithm (or not a key at all, a curve this platform lacks, or the password is wrong): try the next, then report below.
                key.Dispose();
                continue;
            }

            return Create(key, path);
        }

        throw secret is null
            ? new CredentialException(CredentialErrorKind.KeyUnsupported,
                $"{path} holds no RSA or EC private key in PEM form (PKCS#1, SEC1 or PKCS#8), nor an unencrypted PKCS#8 ML-DSA key.")
            : new CredentialException(CredentialErrorKind.KeyLocked,
                $"Cannot decrypt the private key file {path}: the password is wrong, or the file holds no RSA or EC key (ML-DSA keys are read from unencrypted PKCS#8 only).");
    }

    /// <summary>ssh-keygen's default format, which .NET does not read: the two ways that work instead.</summary>
    private static void RefuseOpenSshFormat(string pem, string path)
    {
        if (pem.Contains("-----BEGIN OPENSSH PRIVATE KEY-----", StringComparison.Ordinal))
        {
            throw new CredentialException(CredentialErrorKind.KeyUnsupported,
                $"{path} is in OpenSSH's own format, which is read only through an SSH agent: `ssh-add {path}` and leave out --private-key " +
                $"(the agent key matching the certificate signs), or convert the file in place to PKCS#8 with `ssh-keygen -p -m PKCS8 -f {path}`.");
        }
    }

    private static FileSigningKey Create(IDisposable key, string path)
    {
        try
        {
            return new FileSigningKey(key, path);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <summary>The DER of an unencrypted PKCS#8 block holding an ML-DSA key, or null (.NET's RSA and ECDsa do not read those).</summary>
    private static byte[]? MlDsaPkcs8(string pem)
    {
        if (!PemEncoding.TryFind(pem, out var fields) || !pem.AsSpan()[fields.Label].SequenceEqual("PRIVATE KEY"))
        {
            return null;
        }

        var der = Convert.FromBase64String(pem[fields.Base64Data]);
        return MlDsaKeys.IsMlDsaPkcs8(der) ? der : null;
    }

    private static string ReadPem(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CredentialException(CredentialErrorKind.KeyNotFound, $"Cannot read the private key file {path}: {e.Message}");
        }
    }

    public Task<byte[]> SignAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
        Task.FromResult(_key switch
        {
            RSA rsa => rsa.SignData(data.Span, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
            ECDsa ec => ec.SignData(data.Span, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence),
            // AWS4-X509-MLDSA: the string to sign itself, no pre-hash.
            MlDsaKeys.MlDsaPrivateKey mlDsa => mlDsa.Sign(data.Span),
            _ => throw new InvalidOperationException("unreachable: only RSA, ECDsa and ML-DSA keys are loaded"),
        });

    public void Dispose() => _key.Dispose();
}
