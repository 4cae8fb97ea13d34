using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.Core.Signing;

namespace OpenRolesAnywhere.CertificateAuthority.Issuing;

/// <summary>
/// What the requester sent: a PKCS#10 request (whose signature proves they hold the private key) or, as
/// the original tool took, a bare public key (no such proof, hence the warning).
/// </summary>
internal sealed record SigningRequest(PublicKey PublicKey, bool ProvesPossession, string? Warning)
{
    public const string BarePublicKeyWarning =
        "The request is a bare public key, not a CSR: nothing proves the sender holds its private key. Prefer the CSR that `openrolesanywhere request-certificate` prints.";

    public static SigningRequest Parse(string pem, string source)
    {
        if (!PemEncoding.TryFind(pem, out var fields))
        {
            throw new CredentialException(CredentialErrorKind.InvalidInput,
                $"{source} holds no PEM block: expected -----BEGIN CERTIFICATE REQUEST----- (from `openrolesanywhere request-certificate`) or -----BEGIN PUBLIC KEY-----.");
        }

        var label = pem[fields.Label];
        byte[] der;
        try
        {
            der = Convert.FromBase64String(pem[fields.Base64Data]);
        }
        catch (FormatException)
        {
            throw new CredentialException(CredentialErrorKind.InvalidInput, $"{source}: the {label} PEM block is not valid base64.");
        }

        var request = label switch
        {
            "CERTIFICATE REQUEST" or "NEW CERTIFICATE REQUEST" => FromCsr(der, source),
            "PUBLIC KEY" => FromPublicKey(der, source),
            _ when label.Contains("PRIVATE KEY", StringComparison.Ordinal) => throw new CredentialException(CredentialErrorKind.InvalidInput,
                $"{source} holds a PRIVATE KEY. Never send a private key: have the requester run `openrolesanywhere request-certificate` and send its CSR, and treat this key as compromised."),
            _ => throw new CredentialException(CredentialErrorKind.InvalidInput,
                $"{source} holds a {label} PEM block; expected a CERTIFICATE REQUEST or a PUBLIC KEY."),
        };

        // Refuse, before anything is signed, a key Roles Anywhere would never accept.
        PublicKeys.KindOf(request.PublicKey);
        return request;
    }

    private static SigningRequest FromCsr(byte[] der, string source)
    {
        try
        {
            CertificateRequest.LoadSigningRequest(der, HashAlgorithmName.SHA256, out _, CertificateRequestLoadOptions.SkipSignatureValidation);
        }
        catch (Exception e) when (e is CryptographicException or NotSupportedException)
        {
            throw new CredentialException(CredentialErrorKind.InvalidInput, $"{source} holds a malformed certificate request: {e.Message}", e);
        }

        try
        {
            var request = CertificateRequest.LoadSigningRequest(der, HashAlgorithmName.SHA256, out _, CertificateRequestLoadOptions.Default);
            return new SigningRequest(request.PublicKey, true, null);
        }
        catch (NotSupportedException e)
        {
            // Also PlatformNotSupportedException: a key curve or signature algorithm this machine cannot verify.
            throw new CredentialException(CredentialErrorKind.InvalidInput,
                $"{source} holds a certificate request whose key or signature algorithm this machine cannot verify ({e.Message}). Ask for a CSR from `openrolesanywhere request-certificate` (P-256 or RSA).", e);
        }
        catch (CryptographicException e)
        {
            throw new CredentialException(CredentialErrorKind.InvalidInput,
                $"The signature of the certificate request in {source} does not verify: it was not signed by the key it names (no proof of possession), or it was altered. Ask the requester to run `openrolesanywhere request-certificate` again.", e);
        }
    }

    private static SigningRequest FromPublicKey(byte[] der, string source)
    {
        try
        {
            var key = PublicKey.CreateFromSubjectPublicKeyInfo(der, out var read);
            if (read != der.Length)
            {
                throw new CryptographicException("trailing data after the SubjectPublicKeyInfo");
            }

            return new SigningRequest(key, false, BarePublicKeyWarning);
        }
        catch (Exception e) when (e is CryptographicException or NotSupportedException)
        {
            throw new CredentialException(CredentialErrorKind.InvalidInput, $"{source} holds a malformed PUBLIC KEY: {e.Message}", e);
        }
    }
}
