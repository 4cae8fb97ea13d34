using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CsCheck;
using OpenRolesAnywhere.Core.Certificates;
using OpenRolesAnywhere.Core.Signing;
using OpenRolesAnywhere.TestCommon;
using OpenRolesAnywhere.TestCommon.Properties;

namespace OpenRolesAnywhere.Core.Tests.Properties;

/// <summary>Certificate and key files are outside input: any text gives a value or a CredentialException.</summary>
public sealed class PemParserPropertiesTests : IDisposable
{
    private readonly TestPki _pki = TestPki.Create();

    public void Dispose() => _pki.Dispose();

    [Fact]
    public void CertificateBundle_AnyPemText_GivesCertificatesOrACredentialException()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var rsa = RSA.Create(2048);
        using var withArns = _pki.Issue(new PublicKey(ec), uris: ["arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/a", "arn:aws:rolesanywhere:us-east-1:123456789012:profile/p"]);
        using var plain = _pki.Issue(new PublicKey(rsa));
        byte[][] seeds = [withArns.RawData, plain.RawData, _pki.Intermediate.RawData];

        ParserProperty.Holds(PemInputs.Pem(seeds), text => ReadBundle(text), ParserProperty.Escaped);
    }

    [Fact]
    public void FileSigningKey_AnyPemText_GivesAKeyOrACredentialException()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var rsa = RSA.Create(2048);
        byte[][] seeds =
        [
            ec.ExportPkcs8PrivateKey(), ec.ExportECPrivateKey(), rsa.ExportRSAPrivateKey(), rsa.ExportPkcs8PrivateKey(),
            ec.ExportEncryptedPkcs8PrivateKey("pw", new PbeParameters(PbeEncryptionAlgorithm.Aes128Cbc, HashAlgorithmName.SHA256, 1)),
        ];

        ParserProperty.Holds(PemInputs.Pem(seeds), text => FileSigningKey.FromPem(text, "key.pem", () => "pw").Dispose(), ParserProperty.Escaped, iterations: 600);
    }

    /// <summary>Everything the client reads from a certificate file before CreateSession.</summary>
    internal static void ReadBundle(string text)
    {
        var certificates = CertificateBundle.ParsePem(text, "cert.pem");
        if (certificates.Count == 0)
        {
            return;
        }

        using var bundle = new CertificateBundle(certificates[0], certificates.Skip(1).ToList());
        _ = bundle.SerialNumberDecimal;
        _ = bundle.ArnsFromSubjectAlternativeName();
        _ = PublicKeys.KindOf(bundle.Leaf.PublicKey);
        bundle.EnsureValidAt(DateTimeOffset.UtcNow);
    }
}
