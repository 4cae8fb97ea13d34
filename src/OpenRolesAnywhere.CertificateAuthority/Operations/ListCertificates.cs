using OpenRolesAnywhere.CertificateAuthority.Ledger;

namespace OpenRolesAnywhere.CertificateAuthority;

/// <summary><c>admin list-certificates</c>, <c>GET /admin/certificates</c>: every certificate in the ledger.</summary>
public sealed class ListCertificates(CaContext context)
{
    public IReadOnlyList<LedgerEntry> Run()
    {
        using var ledger = context.OpenLedger();
        return ledger.List();
    }
}
