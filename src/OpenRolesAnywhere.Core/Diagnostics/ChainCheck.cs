using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using OpenRolesAnywhere.Core.Certificates;
using OpenRolesAnywhere.Core.Signing;

namespace OpenRolesAnywhere.Core.Diagnostics;

/// <summary>
/// The chain from the certificate through the intermediates it sends to the trust anchor's certificate, as
/// Roles Anywhere builds it: each issuer a CA allowed to sign certificates, within its path length, in its validity.
/// </summary>
public static class ChainCheck
{
    public const string Name = "chain";

    private const string SendIntermediates =
        "Send the intermediates (after the certificate in its PEM file, or --intermediates FILE), or use the trust anchor of the CA that issued this certificate.";

    /// <param name="anchors">The trust anchor's certificates (a bundle may hold several).</param>
    public static CheckResult Check(CertificateBundle certificate, IReadOnlyList<X509Certificate2> anchors, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(anchors);
        var leaf = certificate.Leaf;
        (bool Built, List<X509Certificate2> Path, string Status) chain;
        try
        {
            chain = Build(leaf, anchors, certificate.Intermediates, now);
        }
        catch (CryptographicException) when (MlDsaKeys.KindOf(leaf.PublicKey.Oid.Value) is not null)
        {
            // OpenSSL before 3.5 cannot read an ML-DSA key while it builds: check the leaf's signature here, build from its issuer.
            var issuer = certificate.Intermediates.Concat(anchors).FirstOrDefault(c => c.SubjectName.RawData.AsSpan().SequenceEqual(leaf.IssuerName.RawData));
            if (issuer is null || !SignedBy(leaf, issuer))
            {
                return CheckResult.Fail(Name, $"No certificate sent or in the trust anchor issued {leaf.Subject} (issuer {leaf.Issuer}).", SendIntermediates);
            }

            chain = anchors.Contains(issuer) ? (true, [issuer], "") : Build(issuer, anchors, certificate.Intermediates, now);
            chain.Path.Insert(0, leaf);
        }

        return Judge(chain, anchors, now);
    }

    private static (bool Built, List<X509Certificate2> Path, string Status) Build(
        X509Certificate2 start, IReadOnlyList<X509Certificate2> anchors, IReadOnlyList<X509Certificate2> intermediates, DateTimeOffset now)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(anchors.ToArray());
        chain.ChainPolicy.ExtraStore.AddRange(intermediates.ToArray());
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = now.UtcDateTime;
        // The certificate's own dates are the validity check's; the issuers' are checked below with a clearer message.
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.IgnoreNotTimeValid;
        var built = chain.Build(start);
        return (built, chain.ChainElements.Select(e => e.Certificate).ToList(), string.Join(" ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Distinct()));
    }

    private static CheckResult Judge((bool Built, List<X509Certificate2> Path, string Status) chain, IReadOnlyList<X509Certificate2> anchors, DateTimeOffset now)
    {
        var path = chain.Path;
        var problems = IssuerProblems(path, now);
        if (problems.Count > 0)
        {
            return CheckResult.Fail(Name, "The chain is built, but Roles Anywhere would refuse it: " + string.Join("; ", problems) + ".",
                "Ask your administrator for certificates whose CAs carry basicConstraints CA:TRUE, keyUsage keyCertSign and a path length that allows this chain.");
        }

        if (!chain.Built)
        {
            var last = path[^1];
            var reason = anchors.Any(a => a.RawData.AsSpan().SequenceEqual(last.RawData))
                ? chain.Status
                : $"The chain does not reach the trust anchor ({string.Join(", ", anchors.Select(a => a.Subject))}): {last.Subject} is issued by {last.Issuer}, which is neither an intermediate sent with the certificate nor the anchor.";
            return CheckResult.Fail(Name, reason, SendIntermediates);
        }

        return CheckResult.Pass(Name, string.Join(" <- ", path.Select(c => c.Subject)) + " (the trust anchor).");
    }

    /// <summary>Whether <paramref name="issuer"/>'s key verifies <paramref name="certificate"/>'s signature (RSA, ECDSA or ML-DSA issuers).</summary>
    private static bool SignedBy(X509Certificate2 certificate, X509Certificate2 issuer)
    {
        var outer = new AsnReader(certificate.RawData, AsnEncodingRules.DER).ReadSequence();
        var tbs = outer.ReadEncodedValue().ToArray();
        outer.ReadSequence();
        var signature = outer.ReadBitString(out _);
        var hash = certificate.SignatureAlgorithm.Value switch
        {
            "1.2.840.10045.4.3.3" or "1.2.840.113549.1.1.12" => HashAlgorithmName.SHA384,
            "1.2.840.10045.4.3.4" or "1.2.840.113549.1.1.13" => HashAlgorithmName.SHA512,
            _ => HashAlgorithmName.SHA256,
        };
        using var rsa = issuer.GetRSAPublicKey();
        using var ec = issuer.GetECDsaPublicKey();
        return rsa?.VerifyData(tbs, signature, hash, RSASignaturePadding.Pkcs1)
            ?? ec?.VerifyData(tbs, signature, hash, DSASignatureFormat.Rfc3279DerSequence)
            ?? MlDsaKeys.Verify(issuer.PublicKey, tbs, signature);
    }

    /// <summary>Problems of each issuer in <paramref name="path"/> (leaf first): CA flag, keyCertSign, path length, dates.</summary>
    private static List<string> IssuerProblems(List<X509Certificate2> path, DateTimeOffset now)
    {
        var problems = new List<string>();
        for (var i = 1; i < path.Count; i++)
        {
            var issuer = path[i];
            var constraints = issuer.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault();
            if (constraints is not { CertificateAuthority: true })
            {
                problems.Add($"{issuer.Subject} is not a CA (basicConstraints CA:TRUE missing)");
            }
            else if (constraints.HasPathLengthConstraint && i - 1 > constraints.PathLengthConstraint)
            {
                problems.Add($"{issuer.Subject} allows {constraints.PathLengthConstraint} intermediate(s) below it (pathLen), the chain has {i - 1}");
            }

            if (issuer.Extensions.OfType<X509KeyUsageExtension>().FirstOrDefault() is { } usage && !usage.KeyUsages.HasFlag(X509KeyUsageFlags.KeyCertSign))
            {
                problems.Add($"{issuer.Subject} may not sign certificates (keyUsage without keyCertSign)");
            }

            if (now < issuer.NotBefore.ToUniversalTime() || now > issuer.NotAfter.ToUniversalTime())
            {
                problems.Add($"{issuer.Subject} is valid only from {issuer.NotBefore.ToUniversalTime():u} to {issuer.NotAfter.ToUniversalTime():u}");
            }
        }

        return problems;
    }
}
