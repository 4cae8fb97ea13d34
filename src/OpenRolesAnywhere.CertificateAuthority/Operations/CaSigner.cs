using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Amazon.Runtime;
using OpenRolesAnywhere.CertificateAuthority.Aws;
using OpenRolesAnywhere.CertificateAuthority.Issuing;
using OpenRolesAnywhere.CertificateAuthority.Kms;
using OpenRolesAnywhere.CertificateAuthority.State;
using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.Core.Credentials;
using OpenRolesAnywhere.Core.RolesAnywhere;
using OpenRolesAnywhere.Core.Signing;

namespace OpenRolesAnywhere.CertificateAuthority;

/// <summary>
/// The CA's signer: a KMS key, or a key anywhere a user's key can be (SSH agent, PKCS#11 token, key file)
/// reached through the key backends the host passes in <see cref="CaContext"/>. Every operation that signs
/// (a certificate, a CRL) opens it here, from what the CA state recorded, and checks it is ca.pem's key.
/// </summary>
internal sealed class CaSigner : IDisposable
{
    private readonly IDisposable _owner;

    private CaSigner(X509SignatureGenerator generator, HashAlgorithmName hash, PublicKey publicKey, string description, IDisposable owner)
    {
        Generator = generator;
        Hash = hash;
        PublicKey = publicKey;
        Description = description;
        _owner = owner;
    }

    public X509SignatureGenerator Generator { get; }

    /// <summary>The digest the key signs over: SHA-384 for a P-384 KMS or agent key, SHA-256 otherwise.</summary>
    public HashAlgorithmName Hash { get; }

    public PublicKey PublicKey { get; }

    /// <summary>Where the key is, for messages; never a secret.</summary>
    public string Description { get; }

    /// <summary>Set for a KMS key: the ARN ca.pem names so later commands find it.</summary>
    public string? KmsKeyArn { get; private init; }

    /// <summary>Set for any other key: what the CA state records to open it again.</summary>
    public CaKeyReference? Reference { get; private init; }

    /// <summary>Set when the key sits in a file on disk, which a CA's key should not.</summary>
    public bool IsKeyFile { get; private init; }

    /// <summary>The signer of an existing CA: the key the state records, else the KMS key ca.pem names.</summary>
    public static async Task<CaSigner> OpenAsync(CaContext context, X509Certificate2 ca, CancellationToken cancellationToken)
    {
        var recorded = context.Store.Load().CaKey;
        var signer = recorded is null
            ? await OpenKmsAsync(context, KmsKeyArnOf(context.Store, ca).ToString(), AwsResolution.Credentials(context.Aws), cancellationToken)
            : await OpenKeySourceAsync(context, ToOptions(recorded), cancellationToken);
        try
        {
            EnsureMatches(context.Store, ca, signer);
            return signer;
        }
        catch
        {
            signer.Dispose();
            throw;
        }
    }

    /// <summary>A KMS key by id, ARN or alias; an ARN pins the key's region, anything else is looked up in the configured one.</summary>
    public static async Task<CaSigner> OpenKmsAsync(CaContext context, string keyId, AWSCredentials credentials, CancellationToken cancellationToken)
    {
        var region = Arn.TryParse(keyId, out var keyArn) && keyArn.Service == "kms" ? keyArn.Region : AwsResolution.Region(context.Aws);
        var kms = AwsResolution.CreateKmsClient(context.Aws, region, credentials);
        try
        {
            var key = await KmsSignatureGenerator.OpenAsync(kms, keyId, cancellationToken);
            return new CaSigner(key, key.HashAlgorithm, key.KeyPublicKey, "KMS key " + key.KeyArn, kms) { KmsKeyArn = key.KeyArn };
        }
        catch
        {
            kms.Dispose();
            throw;
        }
    }

    /// <summary>A key through the host's key backends, opened as a CA's: over SHA-256, or SHA-384 for an agent's P-384 key.</summary>
    public static async Task<CaSigner> OpenKeySourceAsync(CaContext context, KeySourceOptions key, CancellationToken cancellationToken)
    {
        var keys = context.Keys;
        var stored = keys.WithoutSecrets(key);
        var signingKey = await keys.OpenCaKeyAsync(key, cancellationToken);
        var reference = new CaKeyReference
        {
            PrivateKey = stored.PrivateKey,
            SshFingerprint = stored.SshFingerprint,
            Module = stored.Module,
            PasswordEnvironmentVariable = stored.PasswordEnvironmentVariable,
            Description = signingKey.Description,
        };
        return new CaSigner(new SigningKeySignatureGenerator(signingKey), signingKey.SignatureHash, signingKey.PublicKey, signingKey.Description, signingKey)
        {
            Reference = reference,
            IsKeyFile = signingKey is FileSigningKey,
        };
    }

    /// <summary>Refuses a CA certificate that is not the key's (a ca.pem copied from elsewhere, a state file edited).</summary>
    public static void EnsureMatches(CaStateStore store, X509Certificate2 ca, CaSigner signer)
    {
        if (!PublicKeys.AreEqual(ca.PublicKey, signer.PublicKey))
        {
            throw new CredentialException(CredentialErrorKind.KeyMismatch,
                $"The CA certificate {store.CaCertificatePath} does not belong to the {signer.Description}: their public keys differ.");
        }
    }

    private static KeySourceOptions ToOptions(CaKeyReference reference) => new()
    {
        PrivateKey = reference.PrivateKey,
        SshFingerprint = reference.SshFingerprint,
        Module = reference.Module,
        PasswordEnvironmentVariable = reference.PasswordEnvironmentVariable,
    };

    private static Arn KmsKeyArnOf(CaStateStore store, X509Certificate2 ca)
    {
        var text = CertificateFactory.KmsKeyArnOf(ca) ?? throw new CredentialException(CredentialErrorKind.CertificateInvalid,
            $"{store.CaCertificatePath} does not name its KMS key (a URI arn:aws:kms:... in its subject alternative name) and {store.StatePath} records no other CA key; it was not made by `admin create-ca`.");
        return Arn.Parse(text, "KMS key ARN");
    }

    public void Dispose() => _owner.Dispose();
}
