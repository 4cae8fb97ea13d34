using OpenRolesAnywhere.CertificateAuthority.Issuing;
using OpenRolesAnywhere.CertificateAuthority.Tests.Support;
using OpenRolesAnywhere.Core;

namespace OpenRolesAnywhere.CertificateAuthority.Tests.Issuing;

public sealed class SubjectNameTests
{
    [Fact]
    public void ToDistinguishedName_AllFlags_InTheOriginalToolsOrder()
    {
        var name = new SubjectName("enduser")
        {
            Organization = "org",
            OrganizationalUnit = "unit",
            Country = "au",
            Locality = "Melbourne",
            Province = "VIC",
            StreetAddress = "1 Main St",
            PostalCode = "3000",
        };

        Assert.Equal("C=AU, S=VIC, L=Melbourne, STREET=1 Main St, PostalCode=3000, O=org, OU=unit, CN=enduser", name.ToDistinguishedName().Name);
    }

    [Fact]
    public void ToDistinguishedName_BlankOptionalFlags_LeftOut()
    {
        Assert.Equal("CN=x", new SubjectName("x") { Organization = " ", Country = "" }.ToDistinguishedName().Name);
    }

    [Fact]
    public void ToDistinguishedName_NoCommonName_ErrorNamingTheFlag()
    {
        var error = Assert.Throws<CredentialException>(() => new SubjectName("  ").ToDistinguishedName(AdminHarness.FlagLabel));

        Assert.Contains("--common-name", error.Message, StringComparison.Ordinal);
    }
}
