using OpenRolesAnywhere.CertificateAuthority.ControlPlane;

namespace OpenRolesAnywhere.CertificateAuthority;

/// <summary>
/// <c>admin delete-attribute-mapping</c>, <c>DELETE /admin/profiles/{profile}/mappings</c>: stops the given specifiers
/// (all of the part's, when none is given) becoming session tags; the answer is the effective mapping left.
/// </summary>
public sealed class DeleteAttributeMapping(CaContext context)
{
    public async Task<ProfileDetail> RunAsync(AttributeMappingRequest request, CancellationToken cancellationToken)
    {
        var (controlPlane, id, field, specifiers) = await AttributeMappingInputs.ResolveAsync(context, request, specifierRequired: false, cancellationToken);
        return await controlPlane.DeleteAttributeMappingAsync(id, field, specifiers, cancellationToken);
    }
}
