using System.Text;
using OpenRolesAnywhere.Core.Certificates;
using OpenRolesAnywhere.Core.Signing;

namespace OpenRolesAnywhere.Core.SigV4;

/// <summary>
/// The Roles Anywhere variant of SigV4: the same canonical request, but the private key behind the
/// certificate signs the string to sign directly (no HMAC key derivation), and the credential is the
/// certificate's serial number in decimal.
/// </summary>
public static class X509Signer
{
    /// <summary>
    /// Adds <c>X-Amz-Date</c>, <c>X-Amz-X509</c> and, when there are intermediates, <c>X-Amz-X509-Chain</c>,
    /// then signs every header the request holds.
    /// </summary>
    public static async Task<SigV4Signature> SignAsync(
        SignableRequest request, CertificateBundle certificate, ISigningKey key, CredentialScope scope,
        CancellationToken cancellationToken)
    {
        request.AddHeader("X-Amz-Date", scope.AmzDate);
        request.AddHeader("X-Amz-X509", Convert.ToBase64String(certificate.Leaf.RawData));
        if (certificate.Intermediates.Count > 0)
        {
            request.AddHeader("X-Amz-X509-Chain", string.Join(',', certificate.Intermediates.Select(c => Convert.ToBase64String(c.RawData))));
        }

        var algorithm = key.Kind.X509Algorithm();
        var canonical = CanonicalRequest.Create(request);
        var stringToSign = SigV4Signature.BuildStringToSign(algorithm, scope, canonical);
        var signature = await key.SignAsync(Encoding.UTF8.GetBytes(stringToSign), cancellationToken);
        return new SigV4Signature(algorithm, scope, canonical, stringToSign, Convert.ToHexStringLower(signature), certificate.SerialNumberDecimal);
    }
}
