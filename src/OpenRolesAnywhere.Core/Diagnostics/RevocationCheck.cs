using System.Formats.Asn1;
using System.Numerics;
using System.Security.Cryptography.X509Certificates;

namespace OpenRolesAnywhere.Core.Diagnostics;

/// <summary>Whether an enabled CRL imported for the trust anchor lists the certificate's serial, as Roles Anywhere checks.</summary>
public static class RevocationCheck
{
    public const string Name = "revocation";

    public static CheckResult Check(X509Certificate2 leaf, IReadOnlyList<CrlDetail> crls)
    {
        ArgumentNullException.ThrowIfNull(leaf);
        ArgumentNullException.ThrowIfNull(crls);
        var serial = new BigInteger(leaf.SerialNumberBytes.Span, isUnsigned: true, isBigEndian: true);
        var enabled = crls.Where(c => c.Enabled).ToList();
        var unreadable = new List<string>();
        foreach (var crl in enabled)
        {
            IReadOnlyList<BigInteger> serials;
            try
            {
                serials = RevokedSerials(crl.Data);
            }
            catch (AsnContentException)
            {
                unreadable.Add(crl.Name);
                continue;
            }

            if (serials.Contains(serial))
            {
                return CheckResult.Fail(Name, $"The certificate (serial {serial}) is revoked by the CRL '{crl.Name}' of the trust anchor.",
                    "Ask your administrator for a new certificate (and, if the key was compromised, a new key).");
            }
        }

        var notRead = unreadable.Count == 0 ? "" : $" ({unreadable.Count} CRL(s) could not be read: {string.Join(", ", unreadable)})";
        return CheckResult.Pass(Name, enabled.Count == 0
            ? "No enabled CRL is imported for the trust anchor."
            : $"Not listed in the trust anchor's {enabled.Count} enabled CRL(s){notRead}.");
    }

    /// <summary>
    /// The serials of a DER CRL (RFC 5280 5.1: <c>TBSCertList ::= SEQUENCE { version OPTIONAL, signature, issuer,
    /// thisUpdate, nextUpdate OPTIONAL, revokedCertificates SEQUENCE OF SEQUENCE { userCertificate, ... } OPTIONAL, ...}</c>).
    /// </summary>
    public static IReadOnlyList<BigInteger> RevokedSerials(byte[] der)
    {
        var tbs = new AsnReader(der, AsnEncodingRules.DER).ReadSequence().ReadSequence();
        if (tbs.PeekTag().HasSameClassAndValue(Asn1Tag.Integer))
        {
            tbs.ReadInteger();
        }

        tbs.ReadSequence();
        tbs.ReadEncodedValue();
        tbs.ReadEncodedValue();
        if (tbs.HasData && (tbs.PeekTag().HasSameClassAndValue(Asn1Tag.UtcTime) || tbs.PeekTag().HasSameClassAndValue(Asn1Tag.GeneralizedTime)))
        {
            tbs.ReadEncodedValue();
        }

        var serials = new List<BigInteger>();
        if (tbs.HasData && tbs.PeekTag().HasSameClassAndValue(Asn1Tag.Sequence))
        {
            var revoked = tbs.ReadSequence();
            while (revoked.HasData)
            {
                serials.Add(revoked.ReadSequence().ReadInteger());
            }
        }

        return serials;
    }
}
