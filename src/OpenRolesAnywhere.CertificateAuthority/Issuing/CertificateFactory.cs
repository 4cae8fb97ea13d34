using System.Numerics;
using System.Security.Cryptography.X509Certificates;

namespace OpenRolesAnywhere.CertificateAuthority.Issuing;

/// <summary>Builds the CA and end-entity certificates; every signature is made by the CA key (KMS, agent, token).</summary>
internal static class CertificateFactory
{
    public static X509Certificate2 CreateCa(
        CaSigner key, X500DistinguishedName subject, BigInteger serial, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        var request = new CertificateRequest(subject, key.PublicKey, key.Hash);
        // Path length 0: this CA issues end-entity certificates only.
        request.CertificateExtensions.Add(X509BasicConstraintsExtension.CreateForCertificateAuthority(pathLengthConstraint: 0));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        var subjectKeyIdentifier = new X509SubjectKeyIdentifierExtension(key.PublicKey, critical: false);
        request.CertificateExtensions.Add(subjectKeyIdentifier);
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(subjectKeyIdentifier));
        // The key ARN as a URI name, as the original tool recorded it, so later commands find the key.
        if (key.KmsKeyArn is { } keyArn)
        {
            request.CertificateExtensions.Add(UriNames([keyArn]));
        }

        return request.Create(subject, key.Generator, notBefore, notAfter, SerialNumbers.ToBytes(serial));
    }

    public static X509Certificate2 CreateEndEntity(
        CaSigner key, X509Certificate2 ca, PublicKey subjectKey, X500DistinguishedName subject,
        BigInteger serial, DateTimeOffset notBefore, DateTimeOffset notAfter, IReadOnlyList<string> uris)
    {
        var request = new CertificateRequest(subject, subjectKey, key.Hash);
        request.CertificateExtensions.Add(X509BasicConstraintsExtension.CreateForEndEntity(critical: false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(subjectKey, critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        request.CertificateExtensions.Add(UriNames(uris));
        return request.Create(ca.SubjectName, key.Generator, notBefore, notAfter, SerialNumbers.ToBytes(serial));
    }

    /// <summary>The KMS key ARN the CA certificate names, as <see cref="CreateCa"/> wrote it.</summary>
    public static string? KmsKeyArnOf(X509Certificate2 ca) =>
        Core.Certificates.CertificateBundle.SubjectAlternativeUris(ca)
            .FirstOrDefault(uri => Core.RolesAnywhere.Arn.TryParse(uri, out var arn) && arn.Service == "kms" && arn.Resource.StartsWith("key/", StringComparison.Ordinal));

    private static X509Extension UriNames(IEnumerable<string> uris)
    {
        var names = new SubjectAlternativeNameBuilder();
        foreach (var uri in uris)
        {
            names.AddUri(new Uri(uri, UriKind.Absolute));
        }

        return names.Build();
    }
}
