using OpenRolesAnywhere.CertificateAuthority.Issuing;
using OpenRolesAnywhere.CertificateAuthority.Ledger;
using OpenRolesAnywhere.CertificateAuthority.Revocation;

namespace OpenRolesAnywhere.CertificateAuthority;

/// <summary>
/// <c>admin revoke</c>, <c>POST /admin/certificates/{serial}/revoke</c>: records the revocation in the
/// ledger; it reaches Roles Anywhere with the next <see cref="PublishCrl"/>.
/// </summary>
public sealed class RevokeCertificate(CaContext context)
{
    public LedgerEntry Run(string serialNumber, string? reason)
    {
        var serial = SerialNumbers.Parse(serialNumber, context.Label(AdminFields.SerialNumber));
        var parsedReason = RevocationReasons.Parse(reason, context.Label(AdminFields.Reason));
        using var ledger = context.OpenLedger();
        return ledger.Revoke(serial, parsedReason, context.Time.GetUtcNow());
    }
}
