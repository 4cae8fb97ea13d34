namespace OpenRolesAnywhere.Core.SigV4;

/// <summary>An AWS access key, secret and optional session token. <see cref="ToString"/> never shows the secret.</summary>
public sealed record AwsCredentials(string AccessKeyId, string SecretAccessKey, string? SessionToken = null)
{
    public override string ToString() => $"AwsCredentials {{ AccessKeyId = {AccessKeyId} }}";
}
