using OpenRolesAnywhere.Core.Aws;

namespace OpenRolesAnywhere.Core.Tests.Aws;

/// <summary>The one endpoint resolver: --endpoint, then AWS_ENDPOINT_URL_&lt;SERVICE&gt;, then AWS_ENDPOINT_URL, then the default.</summary>
public sealed class AwsEndpointTests
{
    private static Func<string, string?> Env(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void Resolve_NothingConfigured_UsesTheRegionalEndpoint()
    {
        Assert.Equal(new Uri("https://rolesanywhere.eu-west-1.amazonaws.com"), AwsEndpoint.Resolve(AwsService.RolesAnywhere, null, "eu-west-1", Env()));
    }

    [Fact]
    public void Resolve_ChinaRegion_UsesTheChinaDomain()
    {
        Assert.Equal(new Uri("https://rolesanywhere.cn-north-1.amazonaws.com.cn"), AwsEndpoint.Resolve(AwsService.RolesAnywhere, null, "cn-north-1", Env()));
    }

    [Fact]
    public void Resolve_ServiceVariableAndGlobalVariable_ServiceVariableWins()
    {
        var env = Env(("AWS_ENDPOINT_URL_ROLESANYWHERE", "http://127.0.0.1:1"), ("AWS_ENDPOINT_URL", "http://127.0.0.1:2"));

        Assert.Equal(new Uri("http://127.0.0.1:1"), AwsEndpoint.Resolve(AwsService.RolesAnywhere, null, "us-east-1", env));
    }

    [Fact]
    public void Resolve_OnlyGlobalVariable_UsesIt()
    {
        Assert.Equal(new Uri("http://127.0.0.1:2"), AwsEndpoint.Resolve(AwsService.RolesAnywhere, null, "us-east-1", Env(("AWS_ENDPOINT_URL", "http://127.0.0.1:2"))));
    }

    [Fact]
    public void Resolve_ExplicitFlag_WinsOverVariables()
    {
        var env = Env(("AWS_ENDPOINT_URL_ROLESANYWHERE", "http://127.0.0.1:1"));

        Assert.Equal(new Uri("http://127.0.0.1:3"), AwsEndpoint.Resolve(AwsService.RolesAnywhere, "http://127.0.0.1:3", "us-east-1", env));
    }

    [Theory]
    [InlineData("not a url")]
    [InlineData("ftp://example.com")]
    public void Resolve_NotAnHttpUrl_IsRefusedNamingIt(string endpoint)
    {
        var error = Assert.Throws<CredentialException>(() => AwsEndpoint.Resolve(AwsService.RolesAnywhere, endpoint, "us-east-1", Env()));

        Assert.Contains(endpoint, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Configured_Kms_ReadsItsOwnServiceVariableNotAnotherServices()
    {
        var env = Env(("AWS_ENDPOINT_URL_ROLESANYWHERE", "http://127.0.0.1:1"), ("AWS_ENDPOINT_URL_KMS", "http://127.0.0.1:4"), ("AWS_ENDPOINT_URL", "http://127.0.0.1:2"));

        Assert.Equal(new Uri("http://127.0.0.1:4"), AwsEndpoint.Configured(AwsService.Kms, null, env));
        Assert.Equal(new Uri("http://127.0.0.1:1"), AwsEndpoint.Configured(AwsService.RolesAnywhere, null, env));
    }

    [Fact]
    public void Configured_KmsFlag_WinsOverBothVariables()
    {
        var env = Env(("AWS_ENDPOINT_URL_KMS", "http://127.0.0.1:4"), ("AWS_ENDPOINT_URL", "http://127.0.0.1:2"));

        Assert.Equal(new Uri("http://127.0.0.1:5"), AwsEndpoint.Configured(AwsService.Kms, "http://127.0.0.1:5", env));
    }

    [Fact]
    public void Configured_KmsOnlyGlobalVariable_UsesIt()
    {
        Assert.Equal(new Uri("http://127.0.0.1:2"), AwsEndpoint.Configured(AwsService.Kms, null, Env(("AWS_ENDPOINT_URL", "http://127.0.0.1:2"))));
    }

    [Fact]
    public void Configured_NothingSet_IsNullSoTheSdkPicksItsDefault()
    {
        Assert.Null(AwsEndpoint.Configured(AwsService.Kms, "  ", Env(("AWS_ENDPOINT_URL_KMS", ""))));
    }

    [Fact]
    public void Resolve_KmsNothingConfigured_UsesTheRegionalKmsHost()
    {
        Assert.Equal(new Uri("https://kms.ap-south-1.amazonaws.com"), AwsEndpoint.Resolve(AwsService.Kms, null, "ap-south-1", Env()));
    }

    [Fact]
    public void Resolve_EmptyFlagAndServiceVariable_FallsThroughToTheGlobalVariable()
    {
        var env = Env(("AWS_ENDPOINT_URL_ROLESANYWHERE", " "), ("AWS_ENDPOINT_URL", "http://127.0.0.1:2"));

        Assert.Equal(new Uri("http://127.0.0.1:2"), AwsEndpoint.Resolve(AwsService.RolesAnywhere, "", "us-east-1", env));
    }

    [Fact]
    public void EndpointVariable_NamesTheServiceInCapitals()
    {
        Assert.Equal("AWS_ENDPOINT_URL_ROLESANYWHERE", AwsService.RolesAnywhere.EndpointVariable);
        Assert.Equal("AWS_ENDPOINT_URL_KMS", AwsService.Kms.EndpointVariable);
    }
}
