using System.CommandLine;
using OpenRolesAnywhere.CertificateAuthority.Issuing;

namespace OpenRolesAnywhere.Cli.Commands.Admin;

/// <summary>The subject flags of the original tool, shared by create-ca and accept-request.</summary>
internal sealed class SubjectOptionSet
{
    public Option<string> CommonName { get; } = new("--common-name") { Description = "Subject common name (CN).", Required = true };

    public Option<string?> Organization { get; } = new("--organization") { Description = "Subject organization (O)." };

    public Option<string?> OrganizationUnit { get; } = new("--organization-unit", "--organizational-unit") { Description = "Subject organizational unit (OU)." };

    public Option<string?> Country { get; } = new("--country") { Description = "Subject country (C), two letters." };

    public Option<string?> Locality { get; } = new("--locality") { Description = "Subject locality (L)." };

    public Option<string?> Province { get; } = new("--province") { Description = "Subject state or province (ST)." };

    public Option<string?> StreetAddress { get; } = new("--street-address") { Description = "Subject street address." };

    public Option<string?> PostalCode { get; } = new("--postal-code") { Description = "Subject postal code." };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { CommonName, Organization, OrganizationUnit, Country, Locality, Province, StreetAddress, PostalCode })
        {
            command.Options.Add(option);
        }
    }

    public SubjectName Bind(ParseResult result) => new(result.GetValue(CommonName)!)
    {
        Organization = result.GetValue(Organization),
        OrganizationalUnit = result.GetValue(OrganizationUnit),
        Country = result.GetValue(Country),
        Locality = result.GetValue(Locality),
        Province = result.GetValue(Province),
        StreetAddress = result.GetValue(StreetAddress),
        PostalCode = result.GetValue(PostalCode),
    };
}
