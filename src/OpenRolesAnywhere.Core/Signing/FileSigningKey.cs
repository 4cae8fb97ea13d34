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

    private FileSigningKey(IDisposable key, KeyOrigin origin)
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
        Description = origin.IsFile ? $"key file {origin.Name}" : $"key in {origin.Name}";
    }

    public SigningKeyKind Kind { get; }

    public PublicKey PublicKey { get; }

    public string Description { get; }

    /// <param name="password">For encrypted PKCS#8; asked for only when the file is encrypted.</param>
    public static FileSigningKey Load(string path, Func<string?> password) => FromPem(ReadPem(path), path, password);

    /// <summary>The key in <paramref name="pem"/>, read from the file <paramref name="path"/>, or a <see cref="CredentialException"/> naming it.</summary>
    public static FileSigningKey FromPem(string pem, string path, Func<string?> password) => FromPem(pem, new KeyOrigin(path, IsFile: true), password);

    /// <summary>The key in <paramref name="pem"/>, text that never was in a file, or a <see cref="CredentialException"/> naming where it came from.</summary>
    /// <param name="origin">Where the text came from, as a sentence names it: "the environment variable KEY", "standard input".</param>
    public static FileSigningKey FromText(string pem, string origin, Func<string?> password) => FromPem(pem, new KeyOrigin(origin, IsFile: false), password);

    private static FileSigningKey FromPem(string pem, KeyOrigin origin, Func<string?> password)
    {
        ArgumentNullException.ThrowIfNull(pem);
        RefuseOpenSshFormat(pem, origin);
        if (MlDsaPkcs8(pem) is { } mlDsa)
        {
            return Create(MlDsaKeys.Import(mlDsa), origin);
        }

        var encrypted = pem.Contains("-----BEGIN ENCRYPTED PRIVATE KEY-----", StringComparison.Ordinal);
        var secret = encrypted
            ? password() ?? throw new CredentialException(CredentialErrorKind.KeyLocked,
                $"The {origin.Noun} is encrypted: give its password in the environment variable named by --private-key-password-env, or run in a terminal to be asked for it.")
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

            return Create(key, origin);
        }

        throw secret is null
            ? new CredentialException(CredentialErrorKind.KeyUnsupported,
                $"{origin.Subject} holds no RSA or EC private key in PEM form (PKCS#1, SEC1 or PKCS#8), nor an unencrypted PKCS#8 ML-DSA key.")
            : new CredentialException(CredentialErrorKind.KeyLocked,
                $"Cannot decrypt the {origin.Noun}: the password is wrong, or {(origin.IsFile ? "the file" : "it")} holds no RSA or EC key (ML-DSA keys are read from unencrypted PKCS#8 only).");
    }

    /// <summary>ssh-keygen's default format, which .NET does not read: the two ways that work instead.</summary>
    private static void RefuseOpenSshFormat(string pem, KeyOrigin origin)
    {
        if (!pem.Contains("-----BEGIN OPENSSH PRIVATE KEY-----", StringComparison.Ordinal))
        {
            return;
        }

        throw new CredentialException(CredentialErrorKind.KeyUnsupported, origin.IsFile
            ? $"{origin.Name} is in OpenSSH's own format, which is read only through an SSH agent: `ssh-add {origin.Name}` and leave out --private-key " +
              $"(the agent key matching the certificate signs), or convert the file in place to PKCS#8 with `ssh-keygen -p -m PKCS8 -f {origin.Name}`."
            : $"The {origin.Noun} is in OpenSSH's own format, which is read only through an SSH agent: add the key to the agent with `ssh-add` " +
              "and leave out --private-key (the agent key matching the certificate signs), or give it in PKCS#8 form (`ssh-keygen -p -m PKCS8 -f FILE` converts a copy of the key file).");
    }

    private static FileSigningKey Create(IDisposable key, KeyOrigin origin)
    {
        try
        {
            return new FileSigningKey(key, origin);
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

    /// <summary>Where the PEM text came from: a file by its path, or text by a name ("the environment variable KEY") messages can use as it is.</summary>
    private readonly record struct KeyOrigin(string Name, bool IsFile)
    {
        /// <summary>After "the": "private key file /x", "private key in the environment variable KEY".</summary>
        public string Noun => IsFile ? $"private key file {Name}" : $"private key in {Name}";

        /// <summary>The name at the start of a sentence (a path as it is).</summary>
        public string Subject => IsFile ? Name : string.Concat(Name[..1].ToUpperInvariant(), Name[1..]);
    }
}
