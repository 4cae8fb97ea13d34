using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;
using OpenRolesAnywhere.Core;

namespace OpenRolesAnywhere.CertificateAuthority.Issuing;

/// <summary>The subject fields of the original tool (common name, organization, ...).</summary>
public sealed record SubjectName(string CommonName)
{
    public string? Organization { get; init; }

    public string? OrganizationalUnit { get; init; }

    /// <summary>Two letters (ISO 3166), as X.509 requires.</summary>
    public string? Country { get; init; }

    public string? Locality { get; init; }

    public string? Province { get; init; }

    public string? StreetAddress { get; init; }

    public string? PostalCode { get; init; }

    /// <summary>In the order Go's pkix.Name writes them, so names match those the original tool made.</summary>
    /// <param name="label">Names a field in errors (<see cref="AdminFields"/>); the field itself by default.</param>
    public X500DistinguishedName ToDistinguishedName(Func<string, string>? label = null)
    {
        label ??= AdminFields.Plain;
        if (string.IsNullOrWhiteSpace(CommonName))
        {
            throw new CredentialException(CredentialErrorKind.InvalidInput, $"{label(AdminFields.CommonName)} is required and may not be empty.");
        }

        var builder = new X500DistinguishedNameBuilder();
        if (Present(Country) is { } country)
        {
            if (country.Length != 2 || !country.All(char.IsAsciiLetter))
            {
                throw new CredentialException(CredentialErrorKind.InvalidInput, $"{label(AdminFields.Country)} '{country}' must be a two-letter code such as DE or US.");
            }

            builder.AddCountryOrRegion(country.ToUpperInvariant());
        }

        Add(Province, v => builder.AddStateOrProvinceName(v));
        Add(Locality, v => builder.AddLocalityName(v));
        Add(StreetAddress, v => builder.Add("2.5.4.9", v, UniversalTagNumber.UTF8String));
        Add(PostalCode, v => builder.Add("2.5.4.17", v, UniversalTagNumber.UTF8String));
        Add(Organization, v => builder.AddOrganizationName(v));
        Add(OrganizationalUnit, v => builder.AddOrganizationalUnitName(v));
        builder.AddCommonName(CommonName.Trim());
        return builder.Build();

        static void Add(string? value, Action<string> add)
        {
            if (Present(value) is { } present)
            {
                add(present);
            }
        }
    }

    private static string? Present(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
