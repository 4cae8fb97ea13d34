using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using OpenRolesAnywhere.Core.Certificates;

namespace OpenRolesAnywhere.Signers.SshAgent.Tests;

/// <summary>Certificates over a given public key, issued by a throwaway CA, as a real CA would issue for an agent key.</summary>
internal static class TestCertificates
{
    public static CertificateBundle IssueFor(PublicKey publicKey, string commonName = "agent-key")
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=Throwaway Test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        var now = DateTimeOffset.UtcNow;
        using var ca = caRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));
        var request = new CertificateRequest(new X500DistinguishedName($"CN={commonName}"), publicKey, HashAlgorithmName.SHA256);
        // The generator overload: the CA key (ECDSA) may differ in kind from the agent key (RSA or ECDSA).
        var leaf = request.Create(ca.SubjectName, X509SignatureGenerator.CreateForECDsa(caKey), now.AddMinutes(-1), now.AddHours(1), [1, 2, 3, 4]);
        return new CertificateBundle(leaf, []);
    }
}
