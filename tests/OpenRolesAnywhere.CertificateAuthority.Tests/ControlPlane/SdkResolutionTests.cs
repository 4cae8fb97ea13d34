using Amazon.Runtime;
using Amazon.Runtime.Internal;
using OpenRolesAnywhere.CertificateAuthority.Aws;
using OpenRolesAnywhere.CertificateAuthority.Issuing;
using OpenRolesAnywhere.CertificateAuthority.Tests.Support;

namespace OpenRolesAnywhere.CertificateAuthority.Tests.ControlPlane;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessEnvironment
{
    public const string Name = "Process environment";
}

/// <summary>Credentials, region and endpoints as the AWS SDK resolves them from the process environment.</summary>
[Collection(ProcessEnvironment.Name)]
public sealed class SdkResolutionTests : IAsyncLifetime
{
    private static readonly string[] Variables =
        ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE",
         "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_KMS", "AWS_ENDPOINT_URL_ROLESANYWHERE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE"];

    private readonly Dictionary<string, string?> _saved = Variables.ToDictionary(v => v, Environment.GetEnvironmentVariable);
    private AdminHarness _harness = null!;

    public async Task InitializeAsync() => _harness = await AdminHarness.StartAsync();

    public async Task DisposeAsync()
    {
        foreach (var (name, value) in _saved)
        {
            Environment.SetEnvironmentVariable(name, value);
        }

        ForgetWhatTheSdkRead();
        await _harness.DisposeAsync();
    }

    [Fact]
    public async Task CreateCa_NothingGivenButTheEnvironment_SdkFindsCredentialsRegionAndEndpoints()
    {
        foreach (var name in Variables)
        {
            Environment.SetEnvironmentVariable(name, null);
        }

        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", AdminHarness.AccessKeyId);
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", AdminHarness.SecretAccessKey);
        Environment.SetEnvironmentVariable("AWS_REGION", AdminHarness.Region);
        Environment.SetEnvironmentVariable("AWS_ENDPOINT_URL_KMS", _harness.Kms.Endpoint.ToString());
        Environment.SetEnvironmentVariable("AWS_ENDPOINT_URL_ROLESANYWHERE", _harness.ControlPlane.Endpoint.ToString());
        Environment.SetEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE", _harness.Config.File("no-credentials"));
        Environment.SetEnvironmentVariable("AWS_CONFIG_FILE", _harness.Config.File("no-config"));
        ForgetWhatTheSdkRead();
        var key = _harness.Kms.AddKey(alias: "ca");
        var createCa = new CreateCa(new CaContext(_harness.Store, new AwsSettings(), TimeProvider.System, _harness.Http));

        var result = await createCa.RunAsync(new CreateCaRequest("EnvCA", "alias/ca", TimeSpan.FromDays(1), new SubjectName("Root")), CancellationToken.None);

        Assert.Equal(key.Arn, result.KmsKeyArn);
        Assert.Equal(result.TrustAnchorArn, Assert.Single(_harness.ControlPlane.TrustAnchors).Arn);
    }

    /// <summary>
    /// The SDK keeps the region it resolved and the settings it read from the environment and config file
    /// for the life of the process: without this, what this test sets would outlive it, and what ran
    /// before would decide what it sees.
    /// </summary>
    private static void ForgetWhatTheSdkRead()
    {
        FallbackRegionFactory.Reset();
        FallbackInternalConfigurationFactory.Reset();
    }
}
