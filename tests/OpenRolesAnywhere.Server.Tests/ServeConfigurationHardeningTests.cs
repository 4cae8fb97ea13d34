using OpenRolesAnywhere.TestCommon;

namespace OpenRolesAnywhere.Server.Tests;

/// <summary>Hostile or mistyped config files: serve refuses to start, naming the field, and builds no source.</summary>
public sealed class ServeConfigurationHardeningTests
{
    private const string Valid = "\"Name\":\"a\",\"Certificate\":\"a.pem\",\"RoleArn\":\"arn:aws:iam::1:role/a\"";

    [Theory]
    [InlineData("""{"Sourcez":[]}""", "Sourcez")]
    [InlineData("""{"Sources":"x"}""", "Sources")]
    [InlineData("""{"Sources":[{"Name":".","Certificate":"a.pem","RoleArn":"arn:aws:iam::1:role/a"}]}""", "Sources[0].Name")]
    [InlineData("""{"Sources":[{"Name":"..","Certificate":"a.pem","RoleArn":"arn:aws:iam::1:role/a"}]}""", "Sources[0].Name")]
    [InlineData("""{"Sources":[{"Name":".hidden","Certificate":"a.pem","RoleArn":"arn:aws:iam::1:role/a"}]}""", "Sources[0].Name")]
    [InlineData("{\"Sources\":[{" + Valid + ",\"SessionDuration\":\"9223372036854775807s\"}]}", "Sources[0].SessionDuration")]
    [InlineData("{\"Sources\":[{" + Valid + ",\"SessionDuration\":\"1000000000000000\"}]}", "Sources[0].SessionDuration")]
    [InlineData("{\"Sources\":[{" + Valid + ",\"Endpoint\":\"not a url\"}]}", "Sources[0].Endpoint")]
    [InlineData("{\"Sources\":[{" + Valid + ",\"Endpoint\":\"file:///etc/passwd\"}]}", "Sources[0].Endpoint")]
    [InlineData("{\"Sources\":[{" + Valid + ",\"Region\":\"1e999\"}]}", "Sources[0].Region")]
    [InlineData("{\"Sources\":[{" + Valid + ",\"RoleSessionName\":\"a b/c\\n\"}]}", "Sources[0].RoleSessionName")]
    public async Task Config_HostileValue_StartFailsNamingTheFieldWithoutBuildingASource(string json, string field)
    {
        using var temp = new TempDirectory();
        var directory = temp.Path;
        var config = Path.Combine(directory, "serve.json");
        await File.WriteAllTextAsync(config, json);
        var built = 0;
        await using var app = CredentialServer.Build(
            new ServeOptions { Listen = ["http://127.0.0.1:0"], TokenFile = Path.Combine(directory, "server.token"), UnixSocket = null, ConfigFile = config },
            _ =>
            {
                built++;
                throw new InvalidOperationException("no source may be built from an invalid configuration");
            });

        var e = await Assert.ThrowsAnyAsync<Exception>(() => app.StartAsync());

        var message = CredentialServer.DescribeStartFailure(e);
        Assert.True(message is not null, $"not described as a configuration failure: {e.GetType().Name}: {e.Message}");
        Assert.Contains(field, message, StringComparison.Ordinal);
        Assert.Equal(0, built);
    }
}
