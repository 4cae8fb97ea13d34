using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace OpenRolesAnywhere.Core.Signing;

/// <summary>
/// A private key read from a PEM file (PKCS#1, SEC1, PKCS#8, or encrypted PKCS#8), held in memory only.
/// Offered for parity with the official client: an agent or token keeps the key where it cannot be copied.
/// </summary>
public sealed class FileSigningKey : ISigningKey
{
    private readonly AsymmetricAlgorithm _key;

    private FileSigningKey(AsymmetricAlgorithm key, string path)
    {
        _key = key;
        PublicKey = key switch
        {
            RSA rsa => new PublicKey(rsa),
            ECDsa ec => new PublicKey(ec),
            _ => throw new InvalidOperationException("unreachable: only RSA and ECDsa keys are loaded"),
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

        throw secret is null
            ? new CredentialException(CredentialErrorKind.KeyUnsupported,
                $"{path} holds no RSA or EC private key in PEM form (PKCS#1, SEC1 or PKCS#8).")
            : new CredentialException(CredentialErrorKind.KeyLocked,
                $"Cannot decrypt the private key file {path}: the password is wrong, or the file holds no RSA or EC key.");
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
            _ => throw new InvalidOperationException("unreachable: only RSA and ECDsa keys are loaded"),
        });

    public void Dispose() => _key.Dispose();
}
