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

        if (!SessionDuration.IsAllowed(Duration))
        {
            throw new CredentialException(CredentialErrorKind.InvalidInput,
                $"The session duration must be {SessionDuration.Range}, not {Duration.TotalSeconds:0}.");
        }
    }

    public string EffectiveRegion => Region ?? Arn.Parse(TrustAnchorArn, "The trust anchor ARN").Region;
}
