using Amazon;
using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;

// The SDK's own container-credentials provider (AWS_CONTAINER_CREDENTIALS_FULL_URI, AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE,
// the CA from SSL_CERT_FILE), then an STS call signed with what it got (AWS_ENDPOINT_URL_STS names the fake).
// Prints the account and the access key id; exits 1 with the SDK's error otherwise.
try
{
    var credentials = new GenericContainerCredentials();
    using var sts = new AmazonSecurityTokenServiceClient(credentials, RegionEndpoint.USEast1);
    var identity = await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest());
    var used = await credentials.GetCredentialsAsync();
    Console.WriteLine(identity.Account);
    Console.WriteLine(used.AccessKey);
    return 0;
}
catch (Exception e) when (e is AmazonClientException or AmazonServiceException or HttpRequestException)
{
    Console.Error.WriteLine(e.GetType().Name + ": " + e.Message + " " + e.InnerException?.Message);
    return 1;
}
