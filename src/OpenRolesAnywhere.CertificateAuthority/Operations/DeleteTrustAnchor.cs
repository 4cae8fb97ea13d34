using OpenRolesAnywhere.CertificateAuthority.ControlPlane;
using OpenRolesAnywhere.Core;

namespace OpenRolesAnywhere.CertificateAuthority;

/// <summary>
/// <c>admin delete-trust-anchor</c>, <c>DELETE /admin/trust-anchors/{anchor}</c>: the last step of a rollover. The
/// anchor of the CA in this directory is refused unless forced: every certificate it issued would stop working.
/// </summary>
public sealed class DeleteTrustAnchor(CaContext context)
{
    public async Task<TrustAnchorDetail> RunAsync(string trustAnchor, bool force, CancellationToken cancellationToken)
    {
        var (controlPlane, id, state) = await ResourceReferences.OpenTrustAnchorAsync(context, trustAnchor, cancellationToken);
        var own = state.TrustAnchorArn is { } arn && arn.EndsWith("/" + id, StringComparison.Ordinal);
        if (own && !force)
        {
            throw new CredentialException(CredentialErrorKind.InvalidInput,
                $"Trust anchor {state.TrustAnchorArn} is this CA's own ({context.Store.Directory}): every certificate it issued would stop working. " +
                "Disable it instead, delete it from the new CA's directory after a rollover, or force the deletion.");
        }

        var deleted = await controlPlane.DeleteTrustAnchorAsync(id, cancellationToken);
        if (own)
        {
            // The saved certificate stays: `admin create-ca` registers it again.
            context.Store.Save(context.Store.Load() with { TrustAnchorArn = null, TrustAnchorName = null, CrlId = null, CrlArn = null });
        }

        return deleted;
    }
}
