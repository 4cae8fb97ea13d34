namespace OpenRolesAnywhere.Core.RolesAnywhere;

/// <summary>Temporary credentials from CreateSession. <see cref="ToString"/> never shows the secrets.</summary>
public sealed record SessionCredentials(
    string AccessKeyId,
    string SecretAccessKey,
    string SessionToken,
    DateTimeOffset Expiration,
    string RoleArn,
    string? AssumedRoleArn)
{
    /// <summary>The account of the role, which the container-credentials answer carries.</summary>
    public string? AccountId => Arn.TryParse(RoleArn, out var arn) ? arn.Account : null;

    public override string ToString() => $"SessionCredentials {{ AccessKeyId = {AccessKeyId}, Expiration = {Expiration:u} }}";
}
