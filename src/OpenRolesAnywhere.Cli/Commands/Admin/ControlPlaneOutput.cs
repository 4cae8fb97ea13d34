using OpenRolesAnywhere.CertificateAuthority.ControlPlane;

namespace OpenRolesAnywhere.Cli.Commands.Admin;

/// <summary>How the admin commands print a profile's settings and a trust anchor, the same for every command that changes them.</summary>
internal static class ControlPlaneOutput
{
    public static async Task WriteAsync(TextWriter output, ProfileDetail detail)
    {
        var profile = detail.Profile;
        await output.WriteLineAsync($"Profile: {profile.Name}\t{(profile.Enabled ? "enabled" : "disabled")}\t{profile.Arn}");
        await output.WriteLineAsync($"  roles: {string.Join(", ", profile.RoleArns)}");
        await output.WriteLineAsync($"  session duration: {profile.DurationSeconds}s");
        await output.WriteLineAsync($"  accept role session name: {(detail.AcceptRoleSessionName ? "yes" : "no")}");
        await output.WriteLineAsync($"  require instance properties: {(detail.RequireInstanceProperties ? "yes" : "no")}");
        await output.WriteLineAsync($"  managed policies: {(detail.ManagedPolicyArns.Count == 0 ? "none" : string.Join(", ", detail.ManagedPolicyArns))}");
        await output.WriteLineAsync($"  session policy: {(detail.SessionPolicy is null ? "none" : detail.SessionPolicy.ReplaceLineEndings(" "))}");
        await output.WriteLineAsync("  attribute mapping (certificate field: specifiers that become session tags):");
        if (detail.AttributeMappings.Count == 0)
        {
            await output.WriteLineAsync("    none: no certificate field becomes a session tag");
        }

        foreach (var mapping in detail.AttributeMappings)
        {
            await output.WriteLineAsync($"    {mapping.CertificateField}: {string.Join(", ", mapping.Specifiers)}");
        }
    }

    public static async Task WriteAsync(TextWriter output, TrustAnchorDetail detail)
    {
        var anchor = detail.TrustAnchor;
        await output.WriteLineAsync($"Trust anchor: {anchor.Name}\t{(anchor.Enabled ? "enabled" : "disabled")}\t{anchor.SourceType}\t{anchor.Arn}");
        foreach (var setting in detail.NotificationSettings)
        {
            var threshold = setting.ThresholdDays is { } days ? $"{days} days before" : "no threshold";
            await output.WriteLineAsync(
                $"  notify {setting.Event}: {(setting.Enabled ? "on" : "off")}, {threshold}{(setting.ConfiguredBy is { } by ? $" (set by {by})" : "")}");
        }
    }
}
