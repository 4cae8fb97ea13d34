using OpenRolesAnywhere.CertificateAuthority.Ledger;

namespace OpenRolesAnywhere.CertificateAuthority;

/// <summary>
/// <c>admin list-certificates</c>, <c>GET /admin/certificates</c>: every certificate in the ledger, or with
/// <c>--expiring 30d</c> (<c>?expiring=30d</c>) what to renew: unrevoked certificates that end within that time, expired ones included.
/// </summary>
public sealed class ListCertificates(CaContext context)
{
    public IReadOnlyList<LedgerEntry> Run(TimeSpan? expiringWithin = null)
    {
        using var ledger = context.OpenLedger();
        var entries = ledger.List();
        if (expiringWithin is not { } within)
        {
            return entries;
        }

        context.EnsurePositive(within, AdminFields.Expiring);
        var horizon = context.Time.GetUtcNow() + within;
        return [.. entries.Where(e => e.Status == LedgerEntry.StatusIssued && e.NotAfter <= horizon).OrderBy(e => e.NotAfter)];
    }
}
