using OpenRolesAnywhere.Core.RolesAnywhere;

namespace OpenRolesAnywhere.Core.Tests.RolesAnywhere;

public sealed class RolesAnywhereEndpointTests
{
    private static Func<string, string?> Env(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void Resolve_NothingConfigured_UsesTheRegionalEndpoint()
    {
        Assert.Equal(new Uri("https://rolesanywhere.eu-west-1.amazonaws.com"), RolesAnywhereEndpoint.Resolve(null, "eu-west-1", Env()));
    }

    [Fact]
    public void Resolve_ChinaRegion_UsesTheChinaDomain()
    {
        Assert.Equal(new Uri("https://rolesanywhere.cn-north-1.amazonaws.com.cn"), RolesAnywhereEndpoint.Resolve(null, "cn-north-1", Env()));
    }

    [Fact]
    public void Resolve_ServiceVariableAndGlobalVariable_ServiceVariableWins()
    {
        var env = Env(("AWS_ENDPOINT_URL_ROLESANYWHERE", "http://127.0.0.1:1"), ("AWS_ENDPOINT_URL", "http://127.0.0.1:2"));

        Assert.Equal(new Uri("http://127.0.0.1:1"), RolesAnywhereEndpoint.Resolve(null, "us-east-1", env));
    }

    [Fact]
    public void Resolve_OnlyGlobalVariable_UsesIt()
    {
        Assert.Equal(new Uri("http://127.0.0.1:2"), RolesAnywhereEndpoint.Resolve(null, "us-east-1", Env(("AWS_ENDPOINT_URL", "http://127.0.0.1:2"))));
    }

    [Fact]
    public void Resolve_ExplicitFlag_WinsOverVariables()
    {
        var env = Env(("AWS_ENDPOINT_URL_ROLESANYWHERE", "http://127.0.0.1:1"));

        Assert.Equal(new Uri("http://127.0.0.1:3"), RolesAnywhereEndpoint.Resolve("http://127.0.0.1:3", "us-east-1", env));
    }

    [Theory]
    [InlineData("not a url")]
    [InlineData("ftp://example.com")]
    public void Resolve_NotAnHttpUrl_IsRefusedNamingIt(string endpoint)
    {
        var error = Assert.Throws<CredentialException>(() => RolesAnywhereEndpoint.Resolve(endpoint, "us-east-1", Env()));

        Assert.Contains(endpoint, error.Message, StringComparison.Ordinal);
    }
}
