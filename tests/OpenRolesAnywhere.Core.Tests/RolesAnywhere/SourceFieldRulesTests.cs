using OpenRolesAnywhere.Core.Credentials;
using OpenRolesAnywhere.Core.RolesAnywhere;

namespace OpenRolesAnywhere.Core.Tests.RolesAnywhere;

public sealed class SourceFieldRulesTests
{
    [Theory]
    [InlineData("dev", "3600", "build-42", "us-east-1", "https://rolesanywhere.us-east-1.amazonaws.com")]
    [InlineData("prod.eu_2-b", "12h", "a+b=c,d.e@f_g-h", "us-gov-west-1", "http://127.0.0.1:8080/base")]
    [InlineData("x", "900s", "ab", "eusc-de-east-1", null)]
    public void Check_UsualValues_PassWithoutFailures(string name, string duration, string sessionName, string region, string? endpoint)
    {
        var source = new CredentialSourceOptions { Name = name, SessionDuration = duration, RoleSessionName = sessionName, Region = region, Endpoint = endpoint };

        Assert.Empty(SourceFieldRules.Check(source, property => property));
    }

    [Theory]
    [InlineData("Name", ".")]
    [InlineData("Name", "..")]
    [InlineData("Name", ".hidden")]
    [InlineData("Name", "a/b")]
    [InlineData("Name", "a\n")]
    [InlineData("RoleSessionName", "ab\n")]
    [InlineData("RoleSessionName", "a")]
    [InlineData("RoleSessionName", "a b/c\n")]
    [InlineData("Region", "1e999")]
    [InlineData("Region", "us-east-1\n")]
    [InlineData("Region", "evil.example.com/")]
    [InlineData("Endpoint", "not a url")]
    [InlineData("Endpoint", "file:///etc/passwd")]
    [InlineData("Endpoint", "https://user:secret@example.com")]
    [InlineData("SessionDuration", "1000000000000000")]
    [InlineData("SessionDuration", "60")]
    public void Check_BadValue_FailsNamingTheFieldWithoutRawControlCharacters(string property, string value)
    {
        var source = new CredentialSourceOptions { Name = "ok" };
        typeof(CredentialSourceOptions).GetProperty(property)!.SetValue(source, value);

        var failure = Assert.Single(SourceFieldRules.Check(source, p => "--" + p.ToLowerInvariant()));

        Assert.StartsWith($"--{property.ToLowerInvariant()}", failure, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', failure);
        Assert.DoesNotContain("secret", failure, StringComparison.Ordinal);
    }
}
