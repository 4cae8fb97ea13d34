namespace OpenRolesAnywhere.Cli.Tests;

/// <summary>Values that once ended in "unexpected ... This is a bug" (exit 1): each is a usage error naming its flag or field.</summary>
public sealed class HostileInputTests : IAsyncLifetime
{
    private CliHarness _cli = null!;

    public async Task InitializeAsync() => _cli = await CliHarness.StartAsync();

    public async Task DisposeAsync() => await _cli.DisposeAsync();

    [Theory]
    [InlineData("--session-duration", "99999999999h")]
    [InlineData("--session-duration", "9223372036854775807s")]
    [InlineData("--region", "1e999")]
    [InlineData("--role-session-name", "a b/c\n")]
    [InlineData("--endpoint", "not a url")]
    [InlineData("--endpoint", "file:///etc/passwd")]
    public async Task CredentialProcess_HostileFlagValue_IsAUsageErrorNamingTheFlagBeforeAnyRequest(string flag, string value)
    {
        var (certificate, key) = _cli.FileIdentity();

        var (exitCode, output, error) = await _cli.RunAsync(["credential-process", "--certificate", certificate, "--private-key", key, .. _cli.ArnFlags(), flag, value]);

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Equal("", output);
        Assert.Contains(flag, error, StringComparison.Ordinal);
        Assert.DoesNotContain("unexpected", error, StringComparison.Ordinal);
        Assert.Equal(0, _cli.Fake.Calls);
    }

    [Theory]
    [InlineData("""{"Sourcez":[]}""", "Sourcez")]
    [InlineData("""{"Sources":"x"}""", "Sources")]
    [InlineData("""{"Sources":[{"Name":"a","Certificate":"a.pem","RoleArn":"arn:aws:iam::1:role/a","SessionDuration":"1000000000000000"}]}""", "Sources[0].SessionDuration")]
    [InlineData("""{"Sources":[{"Name":"..","Certificate":"a.pem","RoleArn":"arn:aws:iam::1:role/a"}]}""", "Sources[0].Name")]
    [InlineData("""{"Sources":[{"Name":"a","Certificate":"a.pem","RoleArn":"arn:aws:iam::1:role/a","Region":"1e999"}]}""", "Sources[0].Region")]
    public async Task Serve_HostileConfig_ExitsWithUsageCodeNamingTheField(string json, string field)
    {
        var config = _cli.Temp.File("serve.json");
        await File.WriteAllTextAsync(config, json);

        var (exitCode, _, error) = await _cli.RunAsync("serve", "--config", config, "--listen", "http://127.0.0.1:0", "--no-socket", "--token-file", _cli.Temp.File("t"));

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Contains(field, error, StringComparison.Ordinal);
        Assert.DoesNotContain("unexpected", error, StringComparison.Ordinal);
    }
}
