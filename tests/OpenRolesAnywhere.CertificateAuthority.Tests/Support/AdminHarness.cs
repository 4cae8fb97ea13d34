using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Amazon.Runtime;
using OpenRolesAnywhere.CertificateAuthority.Aws;
using OpenRolesAnywhere.CertificateAuthority.Issuing;
using OpenRolesAnywhere.CertificateAuthority.State;
using OpenRolesAnywhere.TestCommon;
using OpenRolesAnywhere.TestCommon.FakeKms;
using OpenRolesAnywhere.TestCommon.FakeRolesAnywhereControlPlane;

namespace OpenRolesAnywhere.CertificateAuthority.Tests.Support;

/// <summary>
/// The administrator's world for one test: the KMS and Roles Anywhere doubles (one set of AWS
/// credentials, as one admin identity has), a private configuration directory, and the admin facade.
/// </summary>
internal sealed class AdminHarness : IAsyncDisposable
{
    public const string Region = "eu-west-1";
    public const string AccessKeyId = "AKIAHARNESSADMIN0001";
    public const string SecretAccessKey = "harness-admin-secret/0123456789abcdefghij";
    public const string RoleArn = "arn:aws:iam::123456789012:role/workload";

    private AdminHarness(FakeKmsServer kms, FakeRolesAnywhereControlPlaneServer controlPlane, string? ledgerConnectionString)
    {
        Kms = kms;
        ControlPlane = controlPlane;
        Store = new CaStateStore(Config.File("openrolesanywhere"), ledgerConnectionString);
    }

    public FakeKmsServer Kms { get; }

    public FakeRolesAnywhereControlPlaneServer ControlPlane { get; }

    public TempDirectory Config { get; } = new();

    public CaStateStore Store { get; }

    public HttpClient Http { get; } = new();

    /// <param name="ledgerConnectionString">A PostgreSQL ledger; the SQLite file in the configuration directory when null.</param>
    public static async Task<AdminHarness> StartAsync(string? ledgerConnectionString = null)
    {
        var kms = await FakeKmsServer.StartAsync(Region, AccessKeyId, SecretAccessKey);
        var controlPlane = await FakeRolesAnywhereControlPlaneServer.StartAsync(Region, AccessKeyId, SecretAccessKey);
        return new AdminHarness(kms, controlPlane, ledgerConnectionString);
    }

    public AwsSettings Settings(AWSCredentials? credentials = null) => new()
    {
        Region = Region,
        KmsEndpoint = Kms.Endpoint.ToString(),
        RolesAnywhereEndpoint = ControlPlane.Endpoint.ToString(),
        Credentials = credentials ?? new BasicAWSCredentials(AccessKeyId, SecretAccessKey),
        Environment = _ => null,
    };

    /// <summary>The operations as the CLI runs them: inputs named by their flags.</summary>
    public AdminOperations Admin(AwsSettings? settings = null, TimeSpan? ledgerLockTimeout = null) =>
        new(new CaContext(Store, settings ?? Settings(), TimeProvider.System, Http, ledgerLockTimeout ?? TimeSpan.FromSeconds(1), FlagLabel));

    /// <summary>As the CLI names an operation's inputs (its own copy: the tests judge the CLI's, not share it).</summary>
    public static string FlagLabel(string field) => "--" + field.Replace(' ', '-');

    /// <summary>A CA on a new KMS key, registered, with one profile: where every issuing test starts.</summary>
    public async Task<(FakeKmsKey Key, CreateCaResult Ca, string ProfileArn)> CreateCaWithProfileAsync(
        string keySpec = "ECC_NIST_P256", TimeSpan? validity = null, string? serial = null)
    {
        var key = Kms.AddKey(keySpec);
        var admin = Admin();
        var ca = await admin.CreateCaAsync(new CreateCaRequest("TestCA", key.Id, validity ?? TimeSpan.FromDays(365), new SubjectName("Test Root") { Organization = "myorg" }, serial), CancellationToken.None);
        var profile = await admin.CreateProfileAsync(new CreateProfileRequest("TestProfile", [RoleArn], TimeSpan.FromHours(1)), CancellationToken.None);
        return (key, ca, profile.Arn);
    }

    public X509Certificate2 LoadCa() => Store.LoadCaCertificate();

    public static string CsrPem(AsymmetricAlgorithm key, string commonName = "requester")
    {
        var request = key switch
        {
            ECDsa ecdsa => new CertificateRequest($"CN={commonName}", ecdsa, HashAlgorithmName.SHA256),
            RSA rsa => new CertificateRequest($"CN={commonName}", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
            _ => throw new ArgumentException("RSA or ECDsa", nameof(key)),
        };
        return request.CreateSigningRequestPem();
    }

    public static AcceptRequestRequest Request(string pem, TimeSpan? validity = null, string? serial = null, string commonName = "enduser") =>
        new(pem, "request.pem", validity ?? TimeSpan.FromDays(30), new SubjectName(commonName) { Organization = "myorg" }, serial);

    public int SignCalls => Kms.Calls.Count(c => c.Operation == "Sign" && c.Accepted);

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Kms.DisposeAsync();
        await ControlPlane.DisposeAsync();
        Config.Dispose();
    }
}
