namespace OpenRolesAnywhere.Core.Aws;

/// <summary>
/// An AWS service as the SigV4 scope, the endpoint variables and our messages name it.
/// </summary>
/// <param name="Id">The signing name and endpoint prefix (<c>rolesanywhere</c>, <c>kms</c>).</param>
/// <param name="DisplayName">How messages name it ("Roles Anywhere").</param>
public sealed record AwsService(string Id, string DisplayName)
{
    public static AwsService RolesAnywhere { get; } = new("rolesanywhere", "Roles Anywhere");

    public static AwsService Kms { get; } = new("kms", "KMS");

    /// <summary><c>AWS_ENDPOINT_URL_</c> and the service id in capitals, as the AWS SDKs and CLI read it.</summary>
    public string EndpointVariable => "AWS_ENDPOINT_URL_" + Id.ToUpperInvariant().Replace(' ', '_').Replace('-', '_');
}
