using OpenRolesAnywhere.CertificateAuthority.ControlPlane;
using OpenRolesAnywhere.Core;

namespace OpenRolesAnywhere.CertificateAuthority;

/// <summary>The certificate part and specifiers put-attribute-mapping and delete-attribute-mapping take.</summary>
internal static class AttributeMappingInputs
{
    /// <summary>AWS's limit on one specifier (botocore model, MappingRuleSpecifierString).</summary>
    private const int MaxSpecifierLength = 60;

    private static readonly Dictionary<string, string> Fields = new(StringComparer.OrdinalIgnoreCase)
    {
        ["subject"] = "x509Subject",
        ["x509Subject"] = "x509Subject",
        ["issuer"] = "x509Issuer",
        ["x509Issuer"] = "x509Issuer",
        ["san"] = "x509SAN",
        ["x509SAN"] = "x509SAN",
    };

    /// <summary>Checks the request, then finds the profile: a bad field or specifier costs no AWS call.</summary>
    public static async Task<(RolesAnywhereControlPlaneClient ControlPlane, string ProfileId, string Field, IReadOnlyList<string> Specifiers)> ResolveAsync(
        CaContext context, AttributeMappingRequest request, bool specifierRequired, CancellationToken cancellationToken)
    {
        var field = Field(context, request.CertificateField);
        var specifiers = Specifiers(context, request.Specifiers, specifierRequired);
        var (controlPlane, id) = await ResourceReferences.OpenProfileAsync(context, request.Profile, cancellationToken);
        return (controlPlane, id, field, specifiers);
    }

    private static string Field(CaContext context, string field) =>
        Fields.TryGetValue(field, out var name) ? name : throw new CredentialException(CredentialErrorKind.InvalidInput,
            $"{context.Label(AdminFields.CertificateField)} '{field}' is not a certificate part: give subject, issuer or san.");

    private static IReadOnlyList<string> Specifiers(CaContext context, IReadOnlyList<string> specifiers, bool required)
    {
        var label = context.Label(AdminFields.Specifier);
        if (required && specifiers.Count == 0)
        {
            throw new CredentialException(CredentialErrorKind.InvalidInput,
                $"Give at least one {label}: for subject and issuer an attribute such as CN, OU or O; for san one of DNS, URI or Name.");
        }

        foreach (var specifier in specifiers)
        {
            if (specifier.Length is 0 or > MaxSpecifierLength || specifier.Any(char.IsWhiteSpace))
            {
                throw new CredentialException(CredentialErrorKind.InvalidInput, $"{label} '{specifier}' must be 1 to {MaxSpecifierLength} characters without spaces (CN, OU, DNS...).");
            }
        }

        return specifiers;
    }
}
