using System.Formats.Asn1;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace OpenRolesAnywhere.Core.Certificates;

/// <summary>The end-entity certificate that CreateSession presents, and the intermediates sent beside it.</summary>
public sealed class CertificateBundle : IDisposable
{
    public CertificateBundle(X509Certificate2 leaf, IReadOnlyList<X509Certificate2> intermediates)
    {
        Leaf = leaf;
        Intermediates = intermediates;
    }

    public X509Certificate2 Leaf { get; }

    public IReadOnlyList<X509Certificate2> Intermediates { get; }

    /// <summary>The serial as CreateSession's Credential field wants it: an unsigned decimal.</summary>
    public string SerialNumberDecimal =>
        new BigInteger(Leaf.SerialNumberBytes.Span, isUnsigned: true, isBigEndian: true).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Reads a PEM file whose first certificate is the leaf; more certificates in it, and those in
    /// <paramref name="intermediatesPath"/>, are intermediates.
    /// </summary>
    public static CertificateBundle Load(string certificatePath, string? intermediatesPath = null) =>
        FromPem(ReadText(certificatePath), certificatePath, intermediatesPath);

    /// <summary>As <see cref="Load"/>, for PEM text read elsewhere (an environment variable, standard input) and named <paramref name="source"/> in messages.</summary>
    public static CertificateBundle FromPem(string text, string source, string? intermediatesPath = null)
    {
        var certificates = ParsePem(text, source);
        if (certificates.Count == 0)
        {
            throw new CredentialException(CredentialErrorKind.CertificateInvalid,
                $"{source} holds no PEM certificate (-----BEGIN CERTIFICATE-----).");
        }

        var intermediates = certificates.Skip(1).ToList();
        if (intermediatesPath is not null)
        {
            intermediates.AddRange(LoadAll(intermediatesPath));
        }

        return new CertificateBundle(certificates[0], intermediates);
    }

    /// <summary>Every certificate in a PEM file (a trust anchor's bundle, intermediates).</summary>
    public static List<X509Certificate2> LoadAll(string path) => ParsePem(ReadText(path), path);

    private static string ReadText(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CredentialException(CredentialErrorKind.CertificateInvalid, $"Cannot read the certificate file {path}: {e.Message}");
        }
    }

    /// <summary>The CERTIFICATE blocks of <paramref name="text"/> (other blocks are skipped), or a <see cref="CredentialException"/> naming <paramref name="source"/>.</summary>
    public static List<X509Certificate2> ParsePem(string text, string source)
    {
        var result = new List<X509Certificate2>();
        var rest = text.AsSpan();
        while (PemEncoding.TryFind(rest, out var fields))
        {
            if (rest[fields.Label].SequenceEqual("CERTIFICATE"))
            {
                result.Add(LoadCertificate(Convert.FromBase64String(rest[fields.Base64Data].ToString()), source));
            }

            rest = rest[fields.Location.End..];
        }

        return result;
    }

    /// <summary>
    /// Loads one certificate and reads now the parts decoded lazily (validity, key, alternative names), so a
    /// malformed one is refused here with a message, not later with an exception from deep inside.
    /// </summary>
    private static X509Certificate2 LoadCertificate(byte[] der, string source)
    {
        X509Certificate2? certificate = null;
        try
        {
            certificate = X509CertificateLoader.LoadCertificate(der);
            _ = certificate.NotBefore;
            _ = certificate.NotAfter;
            _ = certificate.PublicKey.ExportSubjectPublicKeyInfo();
            _ = SubjectAlternativeUris(certificate).Count();
            return certificate;
        }
        catch (Exception e) when (e is CryptographicException or AsnContentException)
        {
            certificate?.Dispose();
            throw new CredentialException(CredentialErrorKind.CertificateInvalid, $"{source} holds a malformed certificate: {e.Message}");
        }
    }

    /// <summary>Refuses a certificate outside its validity, with the dates in the message.</summary>
    public void EnsureValidAt(DateTimeOffset now)
    {
        if (now < Leaf.NotBefore.ToUniversalTime())
        {
            throw new CredentialException(CredentialErrorKind.CertificateInvalid,
                $"The certificate {Leaf.Subject} is not valid until {Leaf.NotBefore.ToUniversalTime():u}; check this machine's clock.");
        }

        if (now > Leaf.NotAfter.ToUniversalTime())
        {
            throw new CredentialException(CredentialErrorKind.CertificateInvalid,
                $"The certificate {Leaf.Subject} expired at {Leaf.NotAfter.ToUniversalTime():u}; ask your administrator for a new one.");
        }
    }

    /// <summary>The <c>arn:aws:rolesanywhere:…</c> URIs in the subject alternative name, as our CA writes them.</summary>
    public (string? TrustAnchorArn, string? ProfileArn) ArnsFromSubjectAlternativeName()
    {
        string? trustAnchor = null, profile = null;
        foreach (var uri in SubjectAlternativeUris(Leaf))
        {
            if (RolesAnywhere.Arn.TryParse(uri, out var arn) && arn.Service == "rolesanywhere")
            {
                if (arn.Resource.StartsWith("trust-anchor/", StringComparison.Ordinal))
                {
                    trustAnchor = uri;
                }
                else if (arn.Resource.StartsWith("profile/", StringComparison.Ordinal))
                {
                    profile = uri;
                }
            }
        }

        return (trustAnchor, profile);
    }

    public static IEnumerable<string> SubjectAlternativeUris(X509Certificate2 certificate)
    {
        var extension = certificate.Extensions["2.5.29.17"];
        if (extension is null)
        {
            return [];
        }

        var reader = new System.Formats.Asn1.AsnReader(extension.RawData, System.Formats.Asn1.AsnEncodingRules.DER).ReadSequence();
        var uris = new List<string>();
        var uriTag = new System.Formats.Asn1.Asn1Tag(System.Formats.Asn1.TagClass.ContextSpecific, 6);
        while (reader.HasData)
        {
            if (reader.PeekTag() == uriTag)
            {
                uris.Add(reader.ReadCharacterString(System.Formats.Asn1.UniversalTagNumber.IA5String, uriTag));
            }
            else
            {
                reader.ReadEncodedValue();
            }
        }

        return uris;
    }

    public void Dispose()
    {
        Leaf.Dispose();
        foreach (var certificate in Intermediates)
        {
            certificate.Dispose();
        }
    }
}
