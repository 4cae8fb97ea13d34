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

    /// <summary>When the certificate that signed CreateSession expires (its notAfter); null where unknown (a local server's answer).</summary>
    public DateTimeOffset? CertificateExpiration { get; init; }

    public override string ToString() => $"SessionCredentials {{ AccessKeyId = {AccessKeyId}, Expiration = {Expiration:u} }}";
}
