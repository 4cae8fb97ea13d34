using System.Net;
using Amazon.Runtime;
using OpenRolesAnywhere.Core;

namespace OpenRolesAnywhere.CertificateAuthority.Kms;

/// <summary>Turns KMS's error codes into messages that say what to do about them.</summary>
internal static class KmsErrors
{
    public static async Task<T> CallAsync<T>(Func<Task<T>> call, string operation, string keyId)
    {
        try
        {
            return await call();
        }
        catch (AmazonServiceException e)
        {
            throw Map(e, operation, keyId);
        }
        catch (AmazonClientException e)
        {
            throw new CredentialException(CredentialErrorKind.Network, $"KMS {operation} for key {keyId} failed before KMS answered: {e.Message}", e);
        }
        catch (HttpRequestException e)
        {
            throw new CredentialException(CredentialErrorKind.Network, $"Cannot reach KMS for {operation} of key {keyId}: {e.Message}. Check the network, the region and AWS_ENDPOINT_URL_KMS.", e);
        }
    }

    private static CredentialException Map(AmazonServiceException e, string operation, string keyId)
    {
        var said = string.IsNullOrEmpty(e.Message) ? "" : $" (AWS said: {e.Message})";
        return e.ErrorCode switch
        {
            "NotFoundException" => new(CredentialErrorKind.NotFound,
                $"KMS has no key '{keyId}' in this region: check the key id, ARN or alias, and the region.{said}", e),
            "AccessDeniedException" => new(CredentialErrorKind.AccessDenied,
                $"KMS refused kms:{operation} on key '{keyId}': the key policy (see key.yml) must allow your role kms:DescribeKey, kms:GetPublicKey and kms:Sign.{said}", e),
            "DisabledException" => new(CredentialErrorKind.KeyLocked,
                $"The KMS key '{keyId}' is disabled: enable it with `aws kms enable-key --key-id {keyId}`.{said}", e),
            "KMSInvalidStateException" => new(CredentialErrorKind.KeyLocked,
                $"The KMS key '{keyId}' cannot be used in its current state (disabled, pending deletion or import).{said}", e),
            "InvalidKeyUsageException" => new(CredentialErrorKind.KeyUnsupported,
                $"The KMS key '{keyId}' cannot sign: a CA needs an asymmetric SIGN_VERIFY key.{said}", e),
            "UnrecognizedClientException" or "InvalidSignatureException" or "IncompleteSignatureException" or "ExpiredTokenException" => new(CredentialErrorKind.AccessDenied,
                $"KMS does not accept these AWS credentials: check AWS_PROFILE, or log in again (`aws sso login`).{said}", e),
            "ThrottlingException" => new(CredentialErrorKind.Throttled, $"KMS is throttling {operation}; try again shortly.{said}", e),
            _ when (int)e.StatusCode >= 500 => new(CredentialErrorKind.ServiceUnavailable, $"KMS failed {operation} with HTTP {(int)e.StatusCode}; try again later.{said}", e),
            _ when e.StatusCode == HttpStatusCode.Forbidden => new(CredentialErrorKind.AccessDenied, $"KMS refused {operation} on key '{keyId}' (HTTP 403).{said}", e),
            _ => new(CredentialErrorKind.InvalidInput, $"KMS rejected {operation} on key '{keyId}': {e.ErrorCode}.{said}", e),
        };
    }
}
