using OpenRolesAnywhere.TestCommon.FakeRolesAnywhere;

namespace OpenRolesAnywhere.Cli.Tests;

/// <summary>The control-plane commands as processes against the model-checking fake, and the CA rollover of docs/admin.md.</summary>
public sealed partial class AdminReadmeFlowTests
{
    [Fact]
    public async Task ProfileCommands_SettingsAndMappings_FakeHoldsThemAndOutputShowsThem()
    {
        await CreateCaAsync(AdminEnvironment(), "Anchor");
        var policy = _home.File("policy.json");
        await File.WriteAllTextAsync(policy, """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}""");
        Assert.Equal(0, (await RunAsync(AdminEnvironment(), "admin", "create-profile", "--name", "P1", "--role-arn", FakeRolesAnywhereServer.RoleArn,
            "--session-policy", policy, "--require-instance-properties")).ExitCode);

        var update = await RunAsync(AdminEnvironment(), "admin", "update-profile", "--profile", "P1", "--session-duration", "30m",
            "--managed-policy-arn", "arn:aws:iam::aws:policy/ReadOnlyAccess", "--accept-role-session-name", "true", "--disable");
        var put = await RunAsync(AdminEnvironment(), "admin", "put-attribute-mapping", "--profile", "P1", "--certificate-field", "subject", "--specifier", "CN", "--specifier", "OU");
        var delete = await RunAsync(AdminEnvironment(), "admin", "delete-attribute-mapping", "--profile", FakeRolesAnywhereServer.ProfileArn, "--certificate-field", "san");
        var show = await RunAsync(AdminEnvironment(), "admin", "show-profile", "--profile", "P1");
        var unknown = await RunAsync(AdminEnvironment(), "admin", "show-profile", "--profile", "NoSuchProfile");

        Assert.True(update.ExitCode == 0, update.Error);
        Assert.Contains("P1\tdisabled", update.Output, StringComparison.Ordinal);
        Assert.True(put.ExitCode == 0, put.Error);
        Assert.Contains("x509Subject: CN, OU", put.Output, StringComparison.Ordinal);
        Assert.True(delete.ExitCode == 0, delete.Error);
        Assert.DoesNotContain("x509SAN", delete.Output, StringComparison.Ordinal);
        Assert.True(show.ExitCode == 0, show.Error);
        Assert.Contains("session duration: 1800s", show.Output, StringComparison.Ordinal);
        Assert.Contains("accept role session name: yes", show.Output, StringComparison.Ordinal);
        Assert.Contains("require instance properties: yes", show.Output, StringComparison.Ordinal);
        Assert.Contains("managed policies: arn:aws:iam::aws:policy/ReadOnlyAccess", show.Output, StringComparison.Ordinal);
        Assert.Contains("\"s3:GetObject\"", show.Output, StringComparison.Ordinal);
        Assert.Contains("x509Issuer: *", show.Output, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Denied, unknown.ExitCode);
        Assert.Contains("no profile named 'NoSuchProfile'", unknown.Error, StringComparison.Ordinal);
        var profile = Assert.Single(_controlPlane.Profiles);
        Assert.Equal((1800, false, true), (profile.DurationSeconds, profile.Enabled, profile.AcceptRoleSessionName));
        Assert.Equal(["CN", "OU"], profile.AttributeMappings["x509Subject"]);
    }

    [Fact]
    public async Task TrustAnchorCommands_NotificationsAndRollover_AsDocsAdminSays()
    {
        var oldCa = AdminEnvironment();
        await CreateCaAsync(oldCa, "OldCA");
        var newCa = AdminEnvironment();
        newCa["XDG_CONFIG_HOME"] = _home.File("new-ca");

        var notify = await RunAsync(oldCa, "admin", "put-notification-settings", "--event", "ca", "--threshold-days", "60");
        var reset = await RunAsync(oldCa, "admin", "reset-notification-settings");
        await CreateCaAsync(newCa, "NewCA");
        var both = await RunAsync(newCa, "admin", "list-trust-anchors");
        var disable = await RunAsync(newCa, "admin", "disable-trust-anchor", "--trust-anchor", "OldCA");
        var enable = await RunAsync(newCa, "admin", "enable-trust-anchor", "--trust-anchor", "OldCA");
        var ownRefused = await RunAsync(oldCa, "admin", "delete-trust-anchor", "--trust-anchor", "OldCA");
        var deleted = await RunAsync(newCa, "admin", "delete-trust-anchor", "--trust-anchor", "OldCA");

        Assert.True(notify.ExitCode == 0, notify.Error);
        Assert.Contains("notify CA_CERTIFICATE_EXPIRY: on, 60 days before", notify.Output, StringComparison.Ordinal);
        Assert.Contains("notify CA_CERTIFICATE_EXPIRY: on, 45 days before (set by rolesanywhere.amazonaws.com)", reset.Output, StringComparison.Ordinal);
        Assert.Contains("OldCA\tenabled", both.Output, StringComparison.Ordinal);
        Assert.Contains("NewCA\tenabled", both.Output, StringComparison.Ordinal);
        Assert.Contains("OldCA\tdisabled", disable.Output, StringComparison.Ordinal);
        Assert.Contains("OldCA\tenabled", enable.Output, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Usage, ownRefused.ExitCode);
        Assert.Contains("this CA's own", ownRefused.Error, StringComparison.Ordinal);
        Assert.True(deleted.ExitCode == 0, deleted.Error);
        Assert.Equal(["NewCA"], _controlPlane.TrustAnchors.Select(a => a.Name));
    }

    private async Task CreateCaAsync(Dictionary<string, string?> environment, string name)
    {
        var key = _kms.AddKey();
        var result = await RunAsync(environment, "admin", "create-ca", "--name", name, "--kms-key-id", key.Arn, "--validity-duration", "24h", "--common-name", name);
        Assert.True(result.ExitCode == 0, result.Error);
    }
}
