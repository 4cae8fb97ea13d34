using OpenRolesAnywhere.CertificateAuthority.ControlPlane;

namespace OpenRolesAnywhere.CertificateAuthority;

/// <summary>
/// <c>admin enable-trust-anchor</c> / <c>disable-trust-anchor</c>, <c>POST /admin/trust-anchors/{anchor}/enable|disable</c>:
/// a disabled anchor's certificates get no sessions, and enabling it again restores them (the rollover's undo).
/// </summary>
public sealed class SetTrustAnchorEnabled(CaContext context)
{
    public async Task<TrustAnchorDetail> RunAsync(string? trustAnchor, bool enabled, CancellationToken cancellationToken)
    {
        var (controlPlane, id, _) = await ResourceReferences.OpenTrustAnchorAsync(context, trustAnchor, cancellationToken);
        return await controlPlane.SetTrustAnchorEnabledAsync(id, enabled, cancellationToken);
    }
}
