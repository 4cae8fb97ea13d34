using OpenRolesAnywhere.CertificateAuthority.ControlPlane;

namespace OpenRolesAnywhere.CertificateAuthority;

/// <summary><c>admin list</c>: the trust anchors and profiles Roles Anywhere holds.</summary>
public sealed class ListRegistrations(CaContext context)
{
    public async Task<(IReadOnlyList<TrustAnchorSummary> TrustAnchors, IReadOnlyList<ProfileSummary> Profiles)> RunAsync(CancellationToken cancellationToken)
    {
        var controlPlane = context.ControlPlane(context.Store.Load());
        var anchors = await controlPlane.ListTrustAnchorsAsync(cancellationToken);
        var profiles = await controlPlane.ListProfilesAsync(cancellationToken);
        return (anchors, profiles);
    }
}
