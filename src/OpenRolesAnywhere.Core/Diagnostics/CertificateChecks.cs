using System.Security.Cryptography.X509Certificates;
using OpenRolesAnywhere.Core.Signing;

namespace OpenRolesAnywhere.Core.Diagnostics;

/// <summary>What Roles Anywhere asks of the end-entity certificate itself (its user guide's "trust model" section).</summary>
public static class CertificateChecks
{
    public const string KeyTypeName = "key type";
    public const string ValidityName = "validity";
    public const string ExtensionsName = "extensions";

    // Signature algorithms over SHA-256 or stronger: RSA PKCS#1 and ECDSA with SHA-256/384/512, RSASSA-PSS, ML-DSA-44/65/87.
    private static readonly HashSet<string> StrongSignatureAlgorithms =
    [
        "1.2.840.113549.1.1.11", "1.2.840.113549.1.1.12", "1.2.840.113549.1.1.13", "1.2.840.113549.1.1.10",
        "1.2.840.10045.4.3.2", "1.2.840.10045.4.3.3", "1.2.840.10045.4.3.4",
        "2.16.840.1.101.3.4.3.17", "2.16.840.1.101.3.4.3.18", "2.16.840.1.101.3.4.3.19",
    ];

    public static CheckResult KeyType(X509Certificate2 leaf)
    {
        ArgumentNullException.ThrowIfNull(leaf);
        try
        {
            var kind = PublicKeys.KindOf(leaf.PublicKey);
            return CheckResult.Pass(KeyTypeName, $"{kind.DisplayName()}, signed as {kind.X509Algorithm()}.");
        }
        catch (CredentialException e)
        {
            return CheckResult.Fail(KeyTypeName, e.Message, "Make an RSA (2048 bits or more), ECDSA P-256 or ML-DSA key and get a certificate for it.");
        }
    }

    public static CheckResult Validity(X509Certificate2 leaf, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(leaf);
        var (from, until) = (leaf.NotBefore.ToUniversalTime(), leaf.NotAfter.ToUniversalTime());
        if (now < from)
        {
            return CheckResult.Fail(ValidityName, $"The certificate is not valid until {from:u} (now {now.UtcDateTime:u}).", "Check this machine's clock, or wait until the certificate starts.");
        }

        return now > until
            ? CheckResult.Fail(ValidityName, $"The certificate expired at {until:u}.", "Ask your administrator for a new certificate (`openrolesanywhere request-certificate`).")
            : CheckResult.Pass(ValidityName, $"Valid from {from:u} until {until:u}.");
    }

    /// <summary>v3, CA:false, digitalSignature, SHA-256 or stronger, a subject: every rule broken is named.</summary>
    public static CheckResult Extensions(X509Certificate2 leaf)
    {
        ArgumentNullException.ThrowIfNull(leaf);
        var problems = new List<string>();
        if (leaf.Version != 3)
        {
            problems.Add($"it is an X.509 v{leaf.Version} certificate, not v3");
        }

        if (leaf.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault() is { CertificateAuthority: true })
        {
            problems.Add("its basic constraints say CA:TRUE (an end-entity certificate must say CA:FALSE)");
        }

        if (leaf.Extensions.OfType<X509KeyUsageExtension>().FirstOrDefault() is not { } usage || !usage.KeyUsages.HasFlag(X509KeyUsageFlags.DigitalSignature))
        {
            problems.Add("its key usage does not include digitalSignature");
        }

        if (!StrongSignatureAlgorithms.Contains(leaf.SignatureAlgorithm.Value ?? ""))
        {
            problems.Add($"it is signed with {leaf.SignatureAlgorithm.FriendlyName ?? leaf.SignatureAlgorithm.Value}, not SHA-256 or stronger");
        }

        if (leaf.SubjectName.RawData.Length <= 2)
        {
            problems.Add("its subject is empty");
        }

        return problems.Count == 0
            ? CheckResult.Pass(ExtensionsName, "v3, CA:FALSE, digitalSignature, signed with " + (leaf.SignatureAlgorithm.FriendlyName ?? leaf.SignatureAlgorithm.Value) + $", subject {leaf.Subject}.")
            : CheckResult.Fail(ExtensionsName, "Roles Anywhere refuses this certificate: " + string.Join("; ", problems) + ".",
                "Ask your CA for a v3 end-entity certificate with CA:FALSE, keyUsage digitalSignature, a SHA-256 signature and a subject.");
    }
}
