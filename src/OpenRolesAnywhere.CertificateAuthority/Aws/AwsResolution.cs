using Amazon;
using Amazon.KeyManagementService;
using Amazon.Runtime;
using Amazon.Runtime.Credentials;
using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.Core.Aws;

namespace OpenRolesAnywhere.CertificateAuthority.Aws;

/// <summary>Region, credentials and endpoints, each taken from the AWS SDK's own resolution unless given.</summary>
internal static class AwsResolution
{
    public static string Region(AwsSettings settings)
    {
        if (!string.IsNullOrWhiteSpace(settings.Region))
        {
            return settings.Region.Trim();
        }

        return TryRegion() ?? throw new CredentialException(CredentialErrorKind.InvalidInput,
            "No AWS region is configured: set AWS_REGION, put `region = ...` in your AWS profile, or pass --region.");
    }

    /// <summary>The region the AWS SDK resolves (environment, profile, IMDS), or null when there is none.</summary>
    public static string? TryRegion()
    {
        try
        {
            return FallbackRegionFactory.GetRegionEndpoint()?.SystemName;
        }
        catch (AmazonClientException)
        {
            return null;
        }
    }

    public static AWSCredentials Credentials(AwsSettings settings)
    {
        if (settings.Credentials is { } given)
        {
            return given;
        }

        try
        {
            return DefaultAWSCredentialsIdentityResolver.GetCredentials(new AmazonKeyManagementServiceConfig());
        }
        catch (AmazonClientException e)
        {
            throw new CredentialException(CredentialErrorKind.AccessDenied,
                // One sentence: the SDK's message lists every provider it tried, one exception each.
                "No AWS credentials were found for the administrator: set AWS_PROFILE, run `aws sso login`, or set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY.", e);
        }
    }

    /// <summary>The SDK's current credentials; refreshing sources (SSO, IMDS, roles) refresh here.</summary>
    public static async Task<ImmutableCredentials> CurrentAsync(AWSCredentials credentials)
    {
        try
        {
            return await credentials.GetCredentialsAsync();
        }
        catch (AmazonClientException e)
        {
            throw new CredentialException(CredentialErrorKind.AccessDenied,
                $"The AWS credentials could not be obtained: {e.Message}. Check AWS_PROFILE, `aws sso login` or the instance role.", e);
        }
    }

    /// <summary>An explicit endpoint, then AWS_ENDPOINT_URL_KMS, then AWS_ENDPOINT_URL; null: the SDK's regional default.</summary>
    public static Uri? KmsEndpoint(AwsSettings settings) => AwsEndpoint.Configured(AwsService.Kms, settings.KmsEndpoint, settings.Environment);

    public static IAmazonKeyManagementService CreateKmsClient(AwsSettings settings, string region, AWSCredentials credentials)
    {
        var config = new AmazonKeyManagementServiceConfig { RegionEndpoint = RegionEndpoint.GetBySystemName(region) };
        if (KmsEndpoint(settings) is { } endpoint)
        {
            config.ServiceURL = endpoint.ToString();
            config.AuthenticationRegion = region;
        }

        return new AmazonKeyManagementServiceClient(credentials, config);
    }
}
