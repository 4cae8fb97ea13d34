using System.Numerics;
using System.Security.Cryptography.X509Certificates;
using OpenRolesAnywhere.CertificateAuthority.Issuing;
using OpenRolesAnywhere.CertificateAuthority.Ledger;

namespace OpenRolesAnywhere.CertificateAuthority.Revocation;

/// <summary>The CA's CRL: every revoked certificate in the ledger, signed by the CA key.</summary>
internal static class CrlFactory
{
    public static byte[] Build(
        CaSigner key, X509Certificate2 ca, IEnumerable<LedgerEntry> entries, BigInteger crlNumber,
        DateTimeOffset thisUpdate, DateTimeOffset nextUpdate)
    {
        var builder = new CertificateRevocationListBuilder();
        foreach (var entry in entries.Where(e => e.Status == LedgerEntry.StatusRevoked))
        {
            builder.AddEntry(
                SerialNumbers.ToBytes(SerialNumbers.Parse(entry.SerialNumber, "ledger serial")),
                entry.RevokedAt ?? thisUpdate,
                RevocationReasons.Parse(entry.RevocationReason));
        }

        var authorityKeyIdentifier = X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, includeKeyIdentifier: true, includeIssuerAndSerial: false);
        return builder.Build(ca.SubjectName, key.Generator, crlNumber, nextUpdate, key.Hash, authorityKeyIdentifier, thisUpdate);
    }
}
