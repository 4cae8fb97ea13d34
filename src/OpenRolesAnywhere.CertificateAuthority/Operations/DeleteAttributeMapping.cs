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
        var field = AttributeMappingInputs.Field(context, request.CertificateField);
        var specifiers = AttributeMappingInputs.Specifiers(context, request.Specifiers, required: false);
        var (controlPlane, id) = await ResourceReferences.OpenProfileAsync(context, request.Profile, cancellationToken);
        return await controlPlane.DeleteAttributeMappingAsync(id, field, specifiers, cancellationToken);
    }
}
