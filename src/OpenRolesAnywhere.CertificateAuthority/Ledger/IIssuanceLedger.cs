using System.Numerics;
using System.Security.Cryptography.X509Certificates;

namespace OpenRolesAnywhere.CertificateAuthority.Ledger;

/// <summary>
/// Every certificate the CA signs, SQLite's file or a PostgreSQL database, with the same guarantees: the serial is
/// claimed before the CA signs, a serial used once is refused (a unique constraint), and a certificate is handed out
/// only after the transaction that records it committed. Made by <see cref="IssuanceLedgers"/>.
/// </summary>
internal interface IIssuanceLedger : IDisposable
{
    /// <summary>Names the ledger in messages: the file, or database and host; never a password.</summary>
    string Description { get; }

    /// <summary>
    /// Claims <paramref name="serial"/>, lets <paramref name="sign"/> make the certificate, records it and
    /// commits; only then returns it. A duplicate serial or any failure leaves the ledger as it was.
    /// </summary>
    X509Certificate2 Issue(BigInteger serial, string kind, DateTimeOffset now, Func<X509Certificate2> sign);

    IReadOnlyList<LedgerEntry> List();

    /// <summary>Marks an end-entity certificate revoked; an unknown, CA or already revoked serial is an error.</summary>
    LedgerEntry Revoke(BigInteger serial, X509RevocationReason reason, DateTimeOffset time);

    /// <summary>Takes the next CRL number (monotonic, as RFC 5280 asks) in its own transaction.</summary>
    BigInteger NextCrlNumber(DateTimeOffset now);
}
