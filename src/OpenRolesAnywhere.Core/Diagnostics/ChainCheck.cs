using System.Security.Cryptography.X509Certificates;
using OpenRolesAnywhere.Core.Certificates;

namespace OpenRolesAnywhere.Core.Diagnostics;

/// <summary>
/// The chain from the certificate through the intermediates it sends to the trust anchor's certificate, as
/// Roles Anywhere builds it: each issuer a CA allowed to sign certificates, within its path length, in its validity.
/// </summary>
public static class ChainCheck
{
    public const string Name = "chain";

    /// <param name="anchors">The trust anchor's certificates (a bundle may hold several).</param>
    public static CheckResult Check(CertificateBundle certificate, IReadOnlyList<X509Certificate2> anchors, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(anchors);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(anchors.ToArray());
        chain.ChainPolicy.ExtraStore.AddRange(certificate.Intermediates.ToArray());
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = now.UtcDateTime;
        // The certificate's own dates are the validity check's; the issuers' are checked below with a clearer message.
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.IgnoreNotTimeValid;
        var built = chain.Build(certificate.Leaf);
        var path = chain.ChainElements.Select(e => e.Certificate).ToList();
        var problems = IssuerProblems(path, now);
        if (problems.Count > 0)
        {
            return CheckResult.Fail(Name, "The chain is built, but Roles Anywhere would refuse it: " + string.Join("; ", problems) + ".",
                "Ask your administrator for certificates whose CAs carry basicConstraints CA:TRUE, keyUsage keyCertSign and a path length that allows this chain.");
        }

        if (!built)
        {
            var last = path[^1];
            var reaches = anchors.Any(a => a.RawData.AsSpan().SequenceEqual(last.RawData));
            var reason = reaches
                ? string.Join(" ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Distinct())
                : $"The chain does not reach the trust anchor ({string.Join(", ", anchors.Select(a => a.Subject))}): {last.Subject} is issued by {last.Issuer}, which is neither an intermediate sent with the certificate nor the anchor.";
            return CheckResult.Fail(Name, reason,
                "Send the intermediates (after the certificate in its PEM file, or --intermediates FILE), or use the trust anchor of the CA that issued this certificate.");
        }

        return CheckResult.Pass(Name, string.Join(" <- ", path.Select(c => c.Subject)) + " (the trust anchor).");
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
