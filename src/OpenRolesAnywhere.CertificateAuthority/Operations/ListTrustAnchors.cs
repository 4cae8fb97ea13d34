using OpenRolesAnywhere.CertificateAuthority.ControlPlane;

namespace OpenRolesAnywhere.CertificateAuthority;

/// <summary><c>admin list-trust-anchors</c>, <c>GET /admin/trust-anchors</c>: every trust anchor with its notification settings.</summary>
public sealed class ListTrustAnchors(CaContext context)
{
    public Task<IReadOnlyList<TrustAnchorDetail>> RunAsync(CancellationToken cancellationToken) =>
        context.ControlPlane(context.Store.Load()).ListTrustAnchorDetailsAsync(cancellationToken);
}
