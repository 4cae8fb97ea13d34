using Amazon.Runtime;

namespace OpenRolesAnywhere.CertificateAuthority.Aws;

/// <summary>
/// What the administrator said about AWS on the command line. Anything left null comes from AWSSDK.Core's
/// standard resolution (environment, shared config and credentials files, SSO, IMDS), never from our own parsing.
/// </summary>
public sealed record AwsSettings
{
    /// <summary>--region; otherwise the SDK's region resolution.</summary>
    public string? Region { get; init; }

    /// <summary>--endpoint for Roles Anywhere; otherwise AWS_ENDPOINT_URL_ROLESANYWHERE, AWS_ENDPOINT_URL, the regional default.</summary>
    public string? RolesAnywhereEndpoint { get; init; }

    /// <summary>An explicit KMS endpoint; otherwise AWS_ENDPOINT_URL_KMS, AWS_ENDPOINT_URL, the regional default.</summary>
    public string? KmsEndpoint { get; init; }

    /// <summary>Credentials already resolved by the SDK (tests, hosts with their own chain); null: the SDK's default chain.</summary>
    public AWSCredentials? Credentials { get; init; }

    public Func<string, string?> Environment { get; init; } = System.Environment.GetEnvironmentVariable;
}
