using System.Security.Cryptography;

namespace OpenRolesAnywhere.Cli.Tests;

/// <summary>The admin commands' refusals that need no AWS: flags, files, a CA that is not there yet.</summary>
public sealed class AdminCommandTests : IAsyncLifetime
{
    private CliHarness _cli = null!;

    public async Task InitializeAsync() => _cli = await CliHarness.StartAsync();

    public async Task DisposeAsync() => await _cli.DisposeAsync();

    [Theory]
    [InlineData("create-ca", "--kms-key-id")]
    [InlineData("create-profile", "--role-arn")]
    [InlineData("accept-request", "--request-file")]
    [InlineData("revoke", "--serial")]
    [InlineData("update-profile", "--profile")]
    [InlineData("show-profile", "--profile")]
    [InlineData("put-attribute-mapping", "--specifier")]
    [InlineData("put-notification-settings", "--event")]
    [InlineData("delete-trust-anchor", "--trust-anchor")]
    public async Task Admin_RequiredFlagMissing_UsageExitNamingTheFlag(string command, string flag)
    {
        var (exitCode, output, error) = await _cli.RunAsync("admin", command);

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Equal("", output);
        Assert.Contains(flag, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"Version\":\"2012-10-17\",", "is not valid JSON")]
    [InlineData("\"just a string\"", "not an IAM policy document")]
    public async Task UpdateProfile_SessionPolicyFileNotAPolicy_UsageExitNamingTheFlag(string policy, string expected)
    {
        var file = _cli.Temp.File("policy.json");
        await File.WriteAllTextAsync(file, policy);

        var (exitCode, output, error) = await _cli.RunAsync("admin", "update-profile", "--profile", "P", "--session-policy", file);

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Equal("", output);
        Assert.Contains("--session-policy", error, StringComparison.Ordinal);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpdateProfile_SessionPolicyFileMissing_UsageExitNamingTheFile()
    {
        var missing = _cli.Temp.File("no-policy.json");

        var (exitCode, _, error) = await _cli.RunAsync("admin", "update-profile", "--profile", "P", "--session-policy", missing);

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Contains(missing, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "update-profile", "--profile", "P", "--enable", "--disable" }, "--enable or --disable")]
    [InlineData(new[] { "update-profile", "--profile", "P" }, "Nothing to change")]
    [InlineData(new[] { "update-profile", "--profile", "P", "--managed-policy-arn", "arn:aws:iam::123456789012:role/R" }, "--managed-policy-arn")]
    [InlineData(new[] { "put-notification-settings", "--event", "ca", "--threshold-days", "0" }, "--threshold-days must be 1 to 360")]
    [InlineData(new[] { "put-notification-settings", "--event", "ca", "--threshold-days", "361" }, "--threshold-days must be 1 to 360")]
    [InlineData(new[] { "put-notification-settings", "--event", "ca" }, "needs --threshold-days")]
    [InlineData(new[] { "put-notification-settings", "--event", "crl", "--threshold-days", "9" }, "--event 'crl'")]
    [InlineData(new[] { "put-attribute-mapping", "--profile", "P", "--certificate-field", "extensions", "--specifier", "CN" }, "--certificate-field 'extensions'")]
    [InlineData(new[] { "delete-attribute-mapping", "--profile", "P", "--certificate-field", "subject", "--specifier", "C N" }, "--specifier 'C N'")]
    public async Task ControlPlaneCommands_BadValue_UsageExitBeforeAnyCall(string[] arguments, string expected)
    {
        var (exitCode, output, error) = await _cli.RunAsync(["admin", .. arguments]);

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Equal("", output);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AcceptRequest_RequestFileMissing_UsageExitNamingTheFile()
    {
        var missing = _cli.Temp.File("nope.pem");

        var (exitCode, _, error) = await _cli.RunAsync("admin", "accept-request", "--request-file", missing, "--validity-duration", "24h", "--common-name", "x");

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Contains(missing, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AcceptRequest_MalformedRequest_UsageExitBeforeAnythingElse()
    {
        var file = _cli.Temp.File("garbage.pem");
        await File.WriteAllTextAsync(file, "not a certificate request");

        var (exitCode, output, error) = await _cli.RunAsync("admin", "accept-request", "--request-file", file, "--validity-duration", "24h", "--common-name", "x");

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Equal("", output);
        Assert.Contains("no PEM block", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AcceptRequest_NoCaYet_DeniedExitNamingCreateCa()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var file = _cli.Temp.File("request.pem");
        await File.WriteAllTextAsync(file, new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=x", key, HashAlgorithmName.SHA256).CreateSigningRequestPem());

        var (exitCode, _, error) = await _cli.RunAsync("admin", "accept-request", "--request-file", file, "--validity-duration", "24h", "--common-name", "x");

        Assert.Equal(ExitCodes.Denied, exitCode);
        Assert.Contains("admin create-ca", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--validity-duration", "a year")]
    [InlineData("--serial-number", "-1")]
    [InlineData("--country", "Germany")]
    public async Task CreateCa_BadValue_UsageExitNamingTheFlag(string flag, string value)
    {
        string[] arguments = ["admin", "create-ca", "--name", "ca", "--kms-key-id", "alias/ca", "--validity-duration", "24h", "--common-name", "ca"];
        var index = Array.IndexOf(arguments, flag);
        arguments = index >= 0 ? [.. arguments[..(index + 1)], value, .. arguments[(index + 2)..]] : [.. arguments, flag, value];

        var (exitCode, _, error) = await _cli.RunAsync(arguments);

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Contains(flag, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0s", "--validity-duration must be longer than zero")]
    [InlineData("1 hour", "--validity-duration '1 hour' is not a duration")]
    public async Task CreateCa_ValidityZeroOrUnparseable_UsageExitNamingTheFlag(string validity, string expected)
    {
        var (exitCode, output, error) = await _cli.RunAsync("admin", "create-ca", "--name", "ca", "--kms-key-id", "alias/ca", "--validity-duration", validity, "--common-name", "ca");

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Equal("", output);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Revoke_UnknownReason_UsageExitNamingTheFlag()
    {
        var (exitCode, _, error) = await _cli.RunAsync("admin", "revoke", "--serial", "12345", "--reason", "bored");

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Contains("--reason 'bored' is not a revocation reason", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Revoke_NoLedger_DeniedExitSayingNothingChanged()
    {
        var (exitCode, _, error) = await _cli.RunAsync("admin", "revoke", "--serial", "12345");

        Assert.Equal(ExitCodes.Denied, exitCode);
        Assert.Contains("ledger", error, StringComparison.Ordinal);
    }
}
