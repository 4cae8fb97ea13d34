using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using OpenRolesAnywhere.Core.Certificates;
using OpenRolesAnywhere.Core.Credentials;
using OpenRolesAnywhere.Core.KeySources;
using OpenRolesAnywhere.Core.RolesAnywhere;
using OpenRolesAnywhere.Core.Signing;

namespace OpenRolesAnywhere.Core.Diagnostics;

/// <summary>The key is reachable, is the certificate's, and its signature verifies with the certificate's public key.</summary>
public static class KeyCheck
{
    public const string Name = "key";

    private static readonly byte[] Probe = "openrolesanywhere doctor: a test signature, sent nowhere"u8.ToArray();

    /// <returns>The result, and the opened key when it can sign (the caller disposes it).</returns>
    public static async Task<(CheckResult Result, ISigningKey? Key)> CheckAsync(
        KeySourceProviders keys, KeySourceOptions options, CertificateBundle certificate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(certificate);
        ISigningKey key;
        try
        {
            key = await keys.OpenAsync(options, certificate, cancellationToken);
        }
        catch (CredentialException e) when (e.Kind == CredentialErrorKind.KeyUnsupported && CertificateChecks.KeyType(certificate.Leaf).Outcome == CheckOutcome.Fail)
        {
            return (CheckResult.Skip(Name, "The certificate's key type is refused (see \"key type\"), so its key was not used."), null);
        }
        catch (CredentialException e)
        {
            return (CheckResult.Fail(Name, e.Message, Fix(e.Kind)), null);
        }

        var result = await ProbeAsync(key, certificate, cancellationToken);
        if (result.Outcome == CheckOutcome.Pass)
        {
            return (result, key);
        }

        key.Dispose();
        return (result, null);
    }

    private static async Task<CheckResult> ProbeAsync(ISigningKey key, CertificateBundle certificate, CancellationToken cancellationToken)
    {
        try
        {
            RolesAnywhereClient.EnsureKeyFitsCertificate(certificate, key);
            var signature = await key.SignAsync(Probe, cancellationToken);
            return Verifies(certificate.Leaf.PublicKey, key.Kind, signature)
                ? CheckResult.Pass(Name, $"The {key.Description} is reachable, is the certificate's key and signs.")
                : CheckResult.Fail(Name, $"The {key.Description} signed, but the signature does not verify with the certificate's public key.",
                    "Use a key that signs over SHA-256 (an SSH agent signs P-384 keys over SHA-384), or a key file or token.");
        }
        catch (CredentialException e)
        {
            return CheckResult.Fail(Name, e.Message, Fix(e.Kind));
        }
    }

    /// <summary>Checks the probe's signature as the service checks CreateSession's, with the certificate's key.</summary>
    public static bool Verifies(PublicKey publicKey, SigningKeyKind kind, byte[] signature)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        if (kind is SigningKeyKind.MlDsa44 or SigningKeyKind.MlDsa65 or SigningKeyKind.MlDsa87)
        {
            return MlDsaKeys.Verify(publicKey, Probe, signature);
        }

        if (kind == SigningKeyKind.Rsa)
        {
            using var rsa = publicKey.GetRSAPublicKey()!;
            return rsa.VerifyData(Probe, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }

        using var ec = publicKey.GetECDsaPublicKey()!;
        return ec.VerifyData(Probe, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
    }

    private static string Fix(CredentialErrorKind kind) => kind switch
    {
        CredentialErrorKind.KeyLocked => "Unlock the key: give the password or PIN (--private-key-password-env VAR), or unlock the agent (`ssh-add -X`).",
        CredentialErrorKind.KeyNotFound => "Check --private-key, or that the agent holds the key (`ssh-add -l`) and SSH_AUTH_SOCK points at it.",
        CredentialErrorKind.SignerUnavailable => "Start the agent or insert the token, then run doctor again.",
        CredentialErrorKind.KeyMismatch => "Use the key the certificate was issued for, or get a certificate for this key.",
        CredentialErrorKind.KeyUnsupported => "Make an RSA (2048 bits or more), ECDSA P-256 or ML-DSA key and get a certificate for it.",
        _ => "See the reason above.",
    };
}
