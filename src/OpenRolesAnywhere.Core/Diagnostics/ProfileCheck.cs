using OpenRolesAnywhere.Core.RolesAnywhere;

namespace OpenRolesAnywhere.Core.Diagnostics;

/// <summary>What CreateSession asks of the profile and the role: enabled, role listed, one account, session name, duration.</summary>
public static class ProfileCheck
{
    public const string Name = "profile";

    public static CheckResult Check(ProfileDetail profile, CreateSessionRequest request)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(request);
        var problems = new List<(string Problem, string Fix)>();
        if (!profile.Enabled)
        {
            problems.Add(("the profile is disabled", "enable it (`aws rolesanywhere enable-profile`)"));
        }

        if (!profile.RoleArns.Contains(request.RoleArn, StringComparer.Ordinal))
        {
            problems.Add(($"the role {request.RoleArn} is not one of the profile's roles ({string.Join(", ", profile.RoleArns)})",
                "use one of those roles, or have it added to the profile"));
        }

        var accounts = new[] { request.TrustAnchorArn, request.ProfileArn, request.RoleArn }
            .Select(a => Arn.TryParse(a, out var parsed) ? parsed.Account : "?").Distinct(StringComparer.Ordinal).ToList();
        if (accounts.Count > 1)
        {
            problems.Add(($"the trust anchor, profile and role are in different accounts ({string.Join(", ", accounts)})", "use a trust anchor, profile and role of one account"));
        }

        if (request.RoleSessionName is not null && !profile.AcceptRoleSessionName)
        {
            problems.Add(("a role session name is asked for, but the profile does not accept custom names", "drop --role-session-name, or have acceptRoleSessionName set on the profile"));
        }

        var seconds = (int)request.Duration.TotalSeconds;
        if (profile.DurationSeconds is { } limit && seconds > limit)
        {
            problems.Add(($"the session duration {seconds} s is longer than the profile's {limit} s", $"ask for --session-duration {limit} or less"));
        }

        return problems.Count == 0
            ? CheckResult.Pass(Name, $"Enabled, lists the role, allows {profile.DurationSeconds ?? 3600} s sessions{(request.RoleSessionName is null ? "" : " and custom session names")}.")
            : CheckResult.Fail(Name, "CreateSession would refuse: " + string.Join("; ", problems.Select(p => p.Problem)) + ".",
                string.Join("; ", problems.Select(p => p.Fix)) + ".");
    }
}
