using OpenRolesAnywhere.CertificateAuthority.Aws;
using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.Core.Diagnostics;
using OpenRolesAnywhere.Core.RolesAnywhere;

namespace OpenRolesAnywhere.CertificateAuthority.ControlPlane;

/// <summary>
/// The control-plane reads <c>doctor</c> makes (GetTrustAnchor, GetProfile, ListCrls), with whatever AWS credentials
/// the SDK's chain finds for the user, resolved at the first read so a user without any still gets the other checks.
/// </summary>
public sealed class ControlPlaneDirectory : IRolesAnywhereDirectory
{
    private readonly Lazy<RolesAnywhereControlPlaneClient> _client;

    public ControlPlaneDirectory(HttpClient http, Uri endpoint, string region, AwsSettings settings, TimeProvider time)
    {
        _client = new(() => new RolesAnywhereControlPlaneClient(http, endpoint, region, Credentials(settings), time));
    }

    public Task<Core.Diagnostics.TrustAnchorDetail> GetTrustAnchorAsync(string trustAnchorArn, CancellationToken cancellationToken) =>
        _client.Value.GetTrustAnchorSourceAsync(Id(trustAnchorArn, "trust-anchor/"), cancellationToken);

    public async Task<Core.Diagnostics.ProfileDetail> GetProfileAsync(string profileArn, CancellationToken cancellationToken)
    {
        var detail = await _client.Value.GetProfileAsync(Id(profileArn, "profile/"), cancellationToken);
        return new(detail.Profile.Arn, detail.Profile.Enabled, detail.Profile.RoleArns, detail.Profile.DurationSeconds, detail.AcceptRoleSessionName);
    }

    public async Task<IReadOnlyList<CrlDetail>> ListCrlsAsync(string trustAnchorArn, CancellationToken cancellationToken) =>
        [.. (await _client.Value.ListCrlsAsync(cancellationToken)).Where(c => c.TrustAnchorArn == trustAnchorArn)];

    private static string Id(string arn, string prefix)
    {
        var resource = Arn.Parse(arn, "The ARN").Resource;
        return resource.StartsWith(prefix, StringComparison.Ordinal)
            ? resource[prefix.Length..]
            : throw new CredentialException(CredentialErrorKind.InvalidInput, $"{arn} is not a Roles Anywhere {prefix.TrimEnd('/')} ARN.");
    }

    private static Amazon.Runtime.AWSCredentials Credentials(AwsSettings settings)
    {
        try
        {
            return AwsResolution.Credentials(settings);
        }
        catch (CredentialException e)
        {
            throw new CredentialException(CredentialErrorKind.AccessDenied,
                "no AWS credentials were found (AWS_PROFILE, `aws sso login`, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, an instance role)", e);
        }
    }
}
