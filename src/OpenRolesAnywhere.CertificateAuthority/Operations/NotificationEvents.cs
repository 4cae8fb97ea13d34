using OpenRolesAnywhere.Core;

namespace OpenRolesAnywhere.CertificateAuthority;

/// <summary>The two expiry events Roles Anywhere notifies about, by short name or AWS's.</summary>
internal static class NotificationEvents
{
    public const string CaCertificateExpiry = "CA_CERTIFICATE_EXPIRY";
    public const string EndEntityCertificateExpiry = "END_ENTITY_CERTIFICATE_EXPIRY";

    public static readonly IReadOnlyList<string> All = [CaCertificateExpiry, EndEntityCertificateExpiry];

    public static string Parse(CaContext context, string text) => text.ToUpperInvariant().Replace('-', '_') switch
    {
        "CA" or CaCertificateExpiry => CaCertificateExpiry,
        "END_ENTITY" or EndEntityCertificateExpiry => EndEntityCertificateExpiry,
        _ => throw new CredentialException(CredentialErrorKind.InvalidInput,
            $"{context.Label(AdminFields.Event)} '{text}' is not an expiry event: give ca (the CA certificate) or end-entity (the certificates it issued)."),
    };
}
