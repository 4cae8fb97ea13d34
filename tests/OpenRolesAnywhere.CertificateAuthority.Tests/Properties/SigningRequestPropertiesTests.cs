using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using OpenRolesAnywhere.CertificateAuthority.Issuing;
using OpenRolesAnywhere.TestCommon.Properties;

namespace OpenRolesAnywhere.CertificateAuthority.Tests.Properties;

/// <summary>A CSR or public key from a requester is outside input: a request or a CredentialException, whatever the text.</summary>
public sealed class SigningRequestPropertiesTests
{
    [Fact]
    public void Parse_AnyPemText_GivesARequestOrACredentialException()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var rsa = RSA.Create(2048);
        var ecRequest = new CertificateRequest("CN=requester", ec, HashAlgorithmName.SHA256);
        var rsaRequest = new CertificateRequest("CN=requester", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        byte[][] seeds = [ecRequest.CreateSigningRequest(), rsaRequest.CreateSigningRequest(), ec.ExportSubjectPublicKeyInfo(), rsa.ExportSubjectPublicKeyInfo()];

        ParserProperty.Holds(PemInputs.Pem(seeds), text => SigningRequest.Parse(text, "request.pem"), ParserProperty.Escaped);
    }
}
