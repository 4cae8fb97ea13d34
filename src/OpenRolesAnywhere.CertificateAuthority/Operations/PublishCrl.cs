using System.Globalization;
using OpenRolesAnywhere.CertificateAuthority.ControlPlane;
using OpenRolesAnywhere.CertificateAuthority.Ledger;
using OpenRolesAnywhere.CertificateAuthority.Revocation;
using OpenRolesAnywhere.CertificateAuthority.State;
using OpenRolesAnywhere.Core;

namespace OpenRolesAnywhere.CertificateAuthority;

/// <summary>
/// <c>admin publish-crl</c>, <c>POST /admin/crl</c>: a CRL of every revoked certificate, signed by the CA key,
/// saved, and imported into Roles Anywhere the first time (updated afterwards).
/// </summary>
public sealed class PublishCrl(CaContext context)
{
    /// <summary>How long a CRL is good for when none is said.</summary>
    public static TimeSpan DefaultValidity { get; } = TimeSpan.FromDays(7);

    public async Task<PublishedCrl> RunAsync(TimeSpan? validity, CancellationToken cancellationToken)
    {
        var crlValidity = validity ?? DefaultValidity;
        context.EnsurePositive(crlValidity, AdminFields.CrlValidity);
        var state = context.Store.Load();
        using var ca = context.Store.LoadCaCertificate();
        var trustAnchorArn = state.TrustAnchorArn ?? throw new CredentialException(CredentialErrorKind.NotFound,
            "The CA was never registered with Roles Anywhere: run `openrolesanywhere admin create-ca` again to register it.");
        using var ledger = context.OpenLedger();
        var entries = ledger.List();
        using var signer = await CaSigner.OpenAsync(context, ca, cancellationToken);
        var now = context.Time.GetUtcNow();
        var number = ledger.NextCrlNumber(now);
        var der = CrlFactory.Build(signer, ca, entries, number, now, now + crlValidity);
        context.Store.SaveCrl(der);

        var (crl, imported) = await SendAsync(state, der, trustAnchorArn, cancellationToken);
        return new PublishedCrl(der, crl.Arn, imported, entries.Count(e => e.Status == LedgerEntry.StatusRevoked), number.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>The CRL last published, DER, or null before the first run.</summary>
    public byte[]? Latest() => context.Store.LoadCrl();

    private async Task<(CrlSummary Crl, bool Imported)> SendAsync(CaState state, byte[] der, string trustAnchorArn, CancellationToken cancellationToken)
    {
        var controlPlane = context.ControlPlane(state);
        if (state.CrlId is { } crlId)
        {
            try
            {
                return (await controlPlane.UpdateCrlAsync(crlId, der, cancellationToken), false);
            }
            catch (CredentialException e) when (e.Kind == CredentialErrorKind.NotFound)
            {
                // The CRL was deleted in Roles Anywhere: import it afresh rather than leave revocations unpublished.
            }
        }

        var crl = await controlPlane.ImportCrlAsync(CrlName(state), der, trustAnchorArn, CaContext.Tags, cancellationToken);
        context.Store.Save(state with { CrlId = crl.Id, CrlArn = crl.Arn });
        return (crl, true);
    }

    private static string CrlName(CaState state) =>
        state.TrustAnchorName is { Length: > 0 and <= 250 } name ? name + "-crl" : "openrolesanywhere-crl";
}
