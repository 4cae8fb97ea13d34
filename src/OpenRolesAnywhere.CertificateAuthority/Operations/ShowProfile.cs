using OpenRolesAnywhere.CertificateAuthority.ControlPlane;

namespace OpenRolesAnywhere.CertificateAuthority;

/// <summary><c>admin show-profile</c>, <c>GET /admin/profiles/{profile}</c>: the settings and the effective attribute mapping, as GetProfile answers.</summary>
public sealed class ShowProfile(CaContext context)
{
    public async Task<ProfileDetail> RunAsync(string profile, CancellationToken cancellationToken)
    {
        var (controlPlane, id) = await ResourceReferences.OpenProfileAsync(context, profile, cancellationToken);
        return await controlPlane.GetProfileAsync(id, cancellationToken);
    }
}
