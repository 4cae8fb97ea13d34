using OpenRolesAnywhere.CertificateAuthority.ControlPlane;

namespace OpenRolesAnywhere.CertificateAuthority;

/// <summary>
/// <c>admin put-attribute-mapping</c>, <c>PUT /admin/profiles/{profile}/mappings</c>: which fields of one certificate
/// part become session tags. Replaces that part's mapping; the answer is the profile's effective mapping.
/// </summary>
public sealed class PutAttributeMapping(CaContext context)
{
    public async Task<ProfileDetail> RunAsync(AttributeMappingRequest request, CancellationToken cancellationToken)
    {
        var (controlPlane, id, field, specifiers) = await AttributeMappingInputs.ResolveAsync(context, request, specifierRequired: true, cancellationToken);
        return await controlPlane.PutAttributeMappingAsync(id, field, specifiers, cancellationToken);
    }
}
