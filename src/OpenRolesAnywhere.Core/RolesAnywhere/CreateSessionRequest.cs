namespace OpenRolesAnywhere.Core.RolesAnywhere;

/// <summary>What to ask CreateSession for. The region defaults to the trust anchor's.</summary>
public sealed record CreateSessionRequest(
    string TrustAnchorArn,
    string ProfileArn,
    string RoleArn,
    TimeSpan Duration,
    string? RoleSessionName = null,
    string? Region = null,
    string? Endpoint = null)
{
    /// <summary>Checks what CreateSession would refuse, before any key is touched.</summary>
    public void Validate()
    {
        var anchor = Arn.Parse(TrustAnchorArn, "The trust anchor ARN");
        var profile = Arn.Parse(ProfileArn, "The profile ARN");
        Arn.Parse(RoleArn, "The role ARN");
        if (!anchor.Resource.StartsWith("trust-anchor/", StringComparison.Ordinal))
        {
            throw new CredentialException(CredentialErrorKind.InvalidInput, $"'{TrustAnchorArn}' is not a trust anchor ARN (…:trust-anchor/ID).");
        }

        if (!profile.Resource.StartsWith("profile/", StringComparison.Ordinal))
        {
            throw new CredentialException(CredentialErrorKind.InvalidInput, $"'{ProfileArn}' is not a profile ARN (…:profile/ID).");
        }

        foreach (var (field, problem) in new[]
        {
            ("The session duration", SourceFieldRules.DurationProblem(Duration)),
            ("The role session name", SourceFieldRules.RoleSessionNameProblem(RoleSessionName)),
            ("The region", SourceFieldRules.RegionProblem(Region)),
        })
        {
            if (problem is not null)
            {
                throw new CredentialException(CredentialErrorKind.InvalidInput, $"{field} {problem}");
            }
        }
    }

    public string EffectiveRegion => Region ?? Arn.Parse(TrustAnchorArn, "The trust anchor ARN").Region;
}
