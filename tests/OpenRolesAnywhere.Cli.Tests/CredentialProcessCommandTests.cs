using System.Text.Json;
using System.Text.RegularExpressions;
using OpenRolesAnywhere.TestCommon.FakeRolesAnywhere;

namespace OpenRolesAnywhere.Cli.Tests;

/// <summary><c>credential-process</c> against the verifying fake with key files, in-process and as the native executable.</summary>
public sealed class CredentialProcessCommandTests : IAsyncLifetime
{
    private CliHarness _cli = null!;

    public async Task InitializeAsync() => _cli = await CliHarness.StartAsync();

    public async Task DisposeAsync() => await _cli.DisposeAsync();

    [Fact]
    public async Task CredentialProcess_KeyFile_PrintsVersion1DocumentOnly()
    {
        var (certificate, key) = _cli.FileIdentity();

        var (exitCode, output, error) = await _cli.RunAsync(["credential-process", "--certificate", certificate, "--private-key", key, .. _cli.ArnFlags()]);

        Assert.True(exitCode == 0, error);
        using var document = JsonDocument.Parse(output);
        var root = document.RootElement;
        var issued = Assert.Single(_cli.Fake.Issued);
        Assert.Equal(1, root.GetProperty("Version").GetInt32());
        Assert.Equal(issued.AccessKeyId, root.GetProperty("AccessKeyId").GetString());
        Assert.Equal(issued.SecretAccessKey, root.GetProperty("SecretAccessKey").GetString());
        Assert.Equal(issued.SessionToken, root.GetProperty("SessionToken").GetString());
        Assert.Matches(new Regex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$"), root.GetProperty("Expiration").GetString());
        Assert.Equal("", error);
    }

    [Fact]
    public async Task CredentialProcess_NamedCertificateWithArnsInIt_NeedsOnlyTheRole()
    {
        var (certificate, key) = _cli.FileIdentity(uris: [FakeRolesAnywhereServer.TrustAnchorArn, FakeRolesAnywhereServer.ProfileArn]);
        var config = Path.Combine(_cli.Temp.Path, "xdg");
        Directory.CreateDirectory(Path.Combine(config, "openrolesanywhere"));
        File.Copy(certificate, Path.Combine(config, "openrolesanywhere", "mycert.pem"));
        _cli.Environment["XDG_CONFIG_HOME"] = config;

        var (exitCode, output, error) = await _cli.RunAsync("credential-process", "--name", "mycert", "--private-key", key,
            "--role-arn", FakeRolesAnywhereServer.RoleArn, "--endpoint", _cli.Fake.Endpoint.ToString());

        Assert.True(exitCode == 0, error);
        Assert.Contains(Assert.Single(_cli.Fake.Issued).AccessKeyId, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CredentialProcess_EndpointFromEnvironment_IsUsed()
    {
        var (certificate, key) = _cli.FileIdentity();
        _cli.Environment["AWS_ENDPOINT_URL_ROLESANYWHERE"] = _cli.Fake.Endpoint.ToString();

        var (exitCode, _, error) = await _cli.RunAsync("credential-process", "--certificate", certificate, "--private-key", key,
            "--trust-anchor-arn", FakeRolesAnywhereServer.TrustAnchorArn, "--profile-arn", FakeRolesAnywhereServer.ProfileArn, "--role-arn", FakeRolesAnywhereServer.RoleArn);

        Assert.True(exitCode == 0, error);
        Assert.Equal(1, _cli.Fake.Calls);
    }

    [Fact]
    public async Task CredentialProcess_GoDuration_IsSentInSeconds()
    {
        var (certificate, key) = _cli.FileIdentity();

        var (exitCode, _, error) = await _cli.RunAsync(["credential-process", "--certificate", certificate, "--private-key", key, "--session-duration", "1h30m", .. _cli.ArnFlags()]);

        Assert.True(exitCode == 0, error);
        Assert.InRange(Assert.Single(_cli.Fake.Issued).Expiration - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(89), TimeSpan.FromMinutes(91));
    }

    [Fact]
    public async Task CredentialProcess_KeyFileInTheExecutable_PrintsTheIssuedCredentials()
    {
        var (certificate, key) = _cli.FileIdentity("rsa2048");

        var (exitCode, output, error) = await _cli.RunProcessAsync(["credential-process", "--certificate", certificate, "--private-key", key, .. _cli.ArnFlags()]);

        Assert.True(exitCode == 0, error);
        var issued = Assert.Single(_cli.Fake.Issued);
        Assert.Equal("AWS4-X509-RSA-SHA256", issued.Algorithm);
        using var document = JsonDocument.Parse(output);
        Assert.Equal(issued.SessionToken, document.RootElement.GetProperty("SessionToken").GetString());
        Assert.Equal("", error);
    }

    /// <summary>The executable users run answers each mistake exactly as the in-process CLI the other tests judge.</summary>
    [Theory]
    [InlineData("no-role")]
    [InlineData("unknown-flag")]
    [InlineData("expired")]
    [InlineData("other-key")]
    [InlineData("bad-duration")]
    [InlineData("throttled")]
    public async Task CredentialProcess_MistakeInTheExecutable_SameExitCodeAndMessageAsInProcess(string mistake)
    {
        var (certificate, key) = _cli.FileIdentity(notAfter: mistake == "expired" ? DateTimeOffset.UtcNow.AddDays(-1) : null);
        string[] args = mistake switch
        {
            "no-role" => ["credential-process", "--certificate", certificate, "--private-key", key, "--endpoint", _cli.Fake.Endpoint.ToString()],
            "unknown-flag" => ["credential-process", "--no-such-flag", .. _cli.ArnFlags()],
            "other-key" => ["credential-process", "--certificate", certificate, "--private-key", _cli.FileIdentity("rsa2048").Key, .. _cli.ArnFlags()],
            "bad-duration" => ["credential-process", "--certificate", certificate, "--private-key", key, "--session-duration", "1 fortnight", .. _cli.ArnFlags()],
            _ => ["credential-process", "--certificate", certificate, "--private-key", key, .. _cli.ArnFlags()],
        };
        ThrottleNextAttempts(mistake == "throttled" ? 10 : 0);
        var inProcess = await _cli.RunAsync(args);
        ThrottleNextAttempts(mistake == "throttled" ? 10 : 0);

        var executable = await _cli.RunProcessAsync(args);

        Assert.NotEqual(0, inProcess.ExitCode);
        Assert.Equal(inProcess.ExitCode, executable.ExitCode);
        Assert.Equal("", executable.Output);
        Assert.Equal(inProcess.Error, executable.Error);
        Assert.DoesNotContain("   at ", executable.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CredentialProcess_ExpiredCertificate_ExitsWithCertificateCodeAndAdvice()
    {
        var (certificate, key) = _cli.FileIdentity(notAfter: DateTimeOffset.UtcNow.AddDays(-1));

        var (exitCode, output, error) = await _cli.RunAsync(["credential-process", "--certificate", certificate, "--private-key", key, .. _cli.ArnFlags()]);

        Assert.Equal(ExitCodes.Certificate, exitCode);
        Assert.Equal("", output);
        Assert.Contains("expired", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CredentialProcess_KeyOfAnotherCertificate_ExitsWithKeyCode()
    {
        var (certificate, _) = _cli.FileIdentity();
        var (_, otherKey) = _cli.FileIdentity("rsa2048");

        var (exitCode, _, error) = await _cli.RunAsync(["credential-process", "--certificate", certificate, "--private-key", otherKey, .. _cli.ArnFlags()]);

        Assert.Equal(ExitCodes.Key, exitCode);
        Assert.Contains("public keys differ", error, StringComparison.Ordinal);
        Assert.Equal(0, _cli.Fake.Calls);
    }

    [Fact]
    public async Task CredentialProcess_Throttled_ExitsWithThrottledCodeAfterRetries()
    {
        var (certificate, key) = _cli.FileIdentity();
        ThrottleNextAttempts(10);

        var (exitCode, output, error) = await _cli.RunAsync(["credential-process", "--certificate", certificate, "--private-key", key, .. _cli.ArnFlags()]);

        Assert.Equal(ExitCodes.Throttled, exitCode);
        Assert.Equal("", output);
        Assert.Contains("throttling", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CredentialProcess_NoRole_IsAUsageErrorNamingTheFlag()
    {
        var (certificate, key) = _cli.FileIdentity();

        var (exitCode, _, error) = await _cli.RunAsync("credential-process", "--certificate", certificate, "--private-key", key,
            "--trust-anchor-arn", FakeRolesAnywhereServer.TrustAnchorArn, "--profile-arn", FakeRolesAnywhereServer.ProfileArn);

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Contains("--role-arn", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CredentialProcess_NoArnsAnywhere_SaysWhichFlagIsMissing()
    {
        var (certificate, key) = _cli.FileIdentity();

        var (exitCode, _, error) = await _cli.RunAsync("credential-process", "--certificate", certificate, "--private-key", key, "--role-arn", FakeRolesAnywhereServer.RoleArn);

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Contains("--trust-anchor-arn", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CredentialProcess_UnknownFlag_IsAUsageError()
    {
        var (exitCode, _, error) = await _cli.RunAsync("credential-process", "--no-such-flag");

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Contains("--no-such-flag", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CredentialProcess_EncryptedKeyPasswordFromEnvironment_Works()
    {
        using var key = OpenRolesAnywhere.TestCommon.TestKeys.Create("p256");
        using var leaf = _cli.Pki.Issue(OpenRolesAnywhere.TestCommon.TestKeys.PublicKeyOf(key));
        var certificate = _cli.Pki.WritePem(_cli.Temp.File("enc.pem"), leaf);
        var keyPath = OpenRolesAnywhere.TestCommon.TestKeys.WritePkcs8(key, _cli.Temp.File("enc.key"), "hunter2");
        _cli.Environment["KEY_PASSWORD"] = "hunter2";

        var (exitCode, output, error) = await _cli.RunAsync(["credential-process", "--certificate", certificate, "--private-key", keyPath,
            "--private-key-password-env", "KEY_PASSWORD", .. _cli.ArnFlags()]);

        Assert.True(exitCode == 0, error);
        Assert.DoesNotContain("hunter2", output + error, StringComparison.Ordinal);
    }

    private void ThrottleNextAttempts(int count)
    {
        for (var i = 0; i < count; i++)
        {
            _cli.Fake.FailNext(429, "ThrottlingException", "Rate exceeded");
        }
    }
}
