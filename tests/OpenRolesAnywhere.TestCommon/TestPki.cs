using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace OpenRolesAnywhere.TestCommon;

/// <summary>
/// A small CA made in the test: an ECDSA P-256 root (the trust anchor) and an intermediate, issuing
/// end-entity certificates for public keys held elsewhere (an agent, a token).
/// </summary>
public sealed class TestPki : IDisposable
{
    private TestPki(X509Certificate2 root, X509Certificate2 intermediate)
    {
        Root = root;
        Intermediate = intermediate;
    }

    public X509Certificate2 Root { get; }

    public X509Certificate2 Intermediate { get; }

    /// <param name="rootPathLength">The root's pathLen constraint; null: none (0 forbids the intermediate below it).</param>
    public static TestPki Create(string name = "Test", int? rootPathLength = null)
    {
        using var rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var rootRequest = new CertificateRequest($"CN={name} Root CA", rootKey, HashAlgorithmName.SHA256);
        AddCaExtensions(rootRequest, rootRequest.PublicKey, rootPathLength);
        var now = DateTimeOffset.UtcNow;
        var root = rootRequest.CreateSelfSigned(now.AddDays(-60), now.AddYears(5));

        using var intermediateKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var intermediateRequest = new CertificateRequest($"CN={name} Intermediate CA", intermediateKey, HashAlgorithmName.SHA256);
        AddCaExtensions(intermediateRequest, intermediateRequest.PublicKey);
        intermediateRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(root, true, false));
        using var intermediatePublic = intermediateRequest.Create(root, now.AddDays(-59), now.AddYears(4), RandomSerial());
        return new TestPki(root, intermediatePublic.CopyWithPrivateKey(intermediateKey));
    }

    /// <summary>An end-entity certificate for <paramref name="publicKey"/>, issued by the intermediate.</summary>
    public X509Certificate2 Issue(PublicKey publicKey, string commonName = "workload", DateTimeOffset? notBefore = null,
        DateTimeOffset? notAfter = null, IEnumerable<string>? uris = null, bool byRoot = false,
        X509KeyUsageFlags keyUsage = X509KeyUsageFlags.DigitalSignature)
    {
        var issuer = byRoot ? Root : Intermediate;
        var request = new CertificateRequest(new X500DistinguishedName($"CN={commonName}"), publicKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(keyUsage, true));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));
        if (uris is not null)
        {
            var san = new SubjectAlternativeNameBuilder();
            foreach (var uri in uris)
            {
                san.AddUri(new Uri(uri));
            }

            request.CertificateExtensions.Add(san.Build());
        }

        var now = DateTimeOffset.UtcNow;
        using var issuerKey = issuer.GetECDsaPrivateKey()!;
        // The generator overload: the leaf's key type (RSA, EC) may differ from the issuer's. 90 days by default: a
        // usual certificate, not one that serve warns about (from 30 days before its end).
        return request.Create(issuer.SubjectName, X509SignatureGenerator.CreateForECDsa(issuerKey),
            notBefore ?? now.AddHours(-1), notAfter ?? now.AddDays(90), RandomSerial());
    }

    /// <summary>
    /// A TLS server certificate with its own new P-256 key, naming <paramref name="hosts"/> (IP addresses as IP
    /// entries, anything else as DNS names) for clients that verify the host name, issued by the intermediate.
    /// </summary>
    public X509Certificate2 IssueServer(IEnumerable<string> hosts, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=openrolesanywhere node", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Intermediate, true, false));
        var san = new SubjectAlternativeNameBuilder();
        foreach (var host in hosts)
        {
            if (System.Net.IPAddress.TryParse(host, out var address))
            {
                san.AddIpAddress(address);
            }
            else
            {
                san.AddDnsName(host);
            }
        }

        request.CertificateExtensions.Add(san.Build());
        var now = DateTimeOffset.UtcNow;
        using var issuerKey = Intermediate.GetECDsaPrivateKey()!;
        using var certificate = request.Create(Intermediate.SubjectName, X509SignatureGenerator.CreateForECDsa(issuerKey),
            notBefore ?? now.AddHours(-1), notAfter ?? now.AddDays(30), RandomSerial());
        return certificate.CopyWithPrivateKey(key);
    }

    /// <summary>Writes a server certificate (with the intermediate) and its key (PKCS#8, 0600) as serve's --tls-certificate and --tls-key read them.</summary>
    public (string Certificate, string Key) WriteServerPem(string certificatePath, string keyPath, X509Certificate2 server)
    {
        WritePem(certificatePath, server);
        File.WriteAllText(keyPath, server.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(keyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        return (certificatePath, keyPath);
    }

    /// <summary>Writes the leaf and, when asked, the intermediate after it, as the CLI reads them.</summary>
    public string WritePem(string path, X509Certificate2 leaf, bool withIntermediate = true)
    {
        var pem = leaf.ExportCertificatePem() + "\n" + (withIntermediate ? Intermediate.ExportCertificatePem() + "\n" : "");
        File.WriteAllText(path, pem);
        return path;
    }

    private static void AddCaExtensions(CertificateRequest request, PublicKey publicKey, int? pathLength = null)
    {
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, pathLength is not null, pathLength ?? 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(publicKey, false));
    }

    private static byte[] RandomSerial()
    {
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F; // positive
        serial[0] |= 0x01; // and with no leading zero byte to strip
        return serial;
    }

    public void Dispose()
    {
        Root.Dispose();
        Intermediate.Dispose();
    }
}
