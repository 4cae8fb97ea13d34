using System.Security.Cryptography.X509Certificates;
using Amazon.KeyManagementService;
using Amazon.Runtime;
using OpenRolesAnywhere.CertificateAuthority.Aws;
using OpenRolesAnywhere.CertificateAuthority.Issuing;
using OpenRolesAnywhere.CertificateAuthority.Kms;
using OpenRolesAnywhere.CertificateAuthority.State;
using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.Core.RolesAnywhere;
using OpenRolesAnywhere.Core.Signing;

namespace OpenRolesAnywhere.CertificateAuthority;

/// <summary>
/// The CA's signer: the KMS key the CA certificate names, opened in the key's own region and checked to
/// be the certificate's key. Every operation that signs (a certificate, a CRL) opens it here.
/// </summary>
internal sealed class CaSigner : IDisposable
{
    private readonly IAmazonKeyManagementService _kms;

    private CaSigner(IAmazonKeyManagementService kms, KmsSignatureGenerator key)
    {
        _kms = kms;
        Key = key;
    }

    public KmsSignatureGenerator Key { get; }

    public static async Task<CaSigner> OpenAsync(CaContext context, X509Certificate2 ca, AWSCredentials credentials, CancellationToken cancellationToken)
    {
        var keyArn = KmsKeyArn(context.Store, ca);
        var kms = AwsResolution.CreateKmsClient(context.Aws, keyArn.Region, credentials);
        try
        {
            var key = await KmsSignatureGenerator.OpenAsync(kms, keyArn.ToString(), cancellationToken);
            EnsureMatches(context.Store, ca, key);
            return new CaSigner(kms, key);
        }
        catch
        {
            kms.Dispose();
            throw;
        }
    }

    /// <summary>Refuses a CA certificate that is not the key's (a ca.pem copied from elsewhere).</summary>
    public static void EnsureMatches(CaStateStore store, X509Certificate2 ca, KmsSignatureGenerator key)
    {
        if (!PublicKeys.AreEqual(ca.PublicKey, key.KeyPublicKey))
        {
            throw new CredentialException(CredentialErrorKind.KeyMismatch,
                $"The CA certificate {store.CaCertificatePath} does not belong to the KMS key {key.KeyArn}: their public keys differ.");
        }
    }

    private static Arn KmsKeyArn(CaStateStore store, X509Certificate2 ca)
    {
        var text = CertificateFactory.KmsKeyArnOf(ca) ?? throw new CredentialException(CredentialErrorKind.CertificateInvalid,
            $"{store.CaCertificatePath} does not name its KMS key (a URI arn:aws:kms:... in its subject alternative name); it was not made by `admin create-ca`.");
        return Arn.Parse(text, "KMS key ARN");
    }

    public void Dispose() => _kms.Dispose();
}
