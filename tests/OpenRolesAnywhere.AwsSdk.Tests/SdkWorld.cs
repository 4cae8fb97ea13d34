using System.Security.Cryptography.X509Certificates;
using Amazon.Runtime;
using Amazon.SecurityToken;
using Microsoft.Extensions.Time.Testing;
using OpenRolesAnywhere.TestCommon;
using OpenRolesAnywhere.TestCommon.FakeRolesAnywhere;
using OpenRolesAnywhere.TestCommon.FakeSts;

namespace OpenRolesAnywhere.AwsSdk.Tests;

/// <summary>
/// The AWS side of a test: the verifying fake CreateSession (trusting <see cref="Pki"/>'s root), the verifying fake
/// STS accepting what it issued, and one fake clock shared by the service and our credentials.
/// </summary>
internal sealed class SdkWorld : IAsyncDisposable
{
    private SdkWorld(TestPki pki, bool ownsPki, FakeRolesAnywhereServer rolesAnywhere, FakeStsServer sts, FakeTimeProvider time)
    {
        Pki = pki;
        OwnsPki = ownsPki;
        RolesAnywhere = rolesAnywhere;
        Sts = sts;
        Time = time;
    }

    public TestPki Pki { get; }

    private bool OwnsPki { get; }

    public FakeRolesAnywhereServer RolesAnywhere { get; }

    public FakeStsServer Sts { get; }

    public FakeTimeProvider Time { get; }

    public TempDirectory Temp { get; } = new("ora-awssdk-");

    private List<RolesAnywhereCredentials> Made { get; } = [];

    public static async Task<SdkWorld> StartAsync(TestPki? pki = null)
    {
        var owned = pki is null;
        pki ??= TestPki.Create();
        var rolesAnywhere = await FakeRolesAnywhereServer.StartAsync(pki.Root);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        rolesAnywhere.Time = time;
        var sts = await FakeStsServer.StartAsync(() => rolesAnywhere.Issued);
        return new SdkWorld(pki, owned, rolesAnywhere, sts, time);
    }

    /// <summary>Options for <paramref name="certificate"/>; the ARNs come from its subject alternative names (see <see cref="Issue"/>).</summary>
    public RolesAnywhereCredentialsOptions Options(string certificate, string? privateKey = null, string? sshFingerprint = null) => new()
    {
        Certificate = certificate,
        PrivateKey = privateKey,
        SshFingerprint = sshFingerprint,
        RoleArn = FakeRolesAnywhereServer.RoleArn,
        Endpoint = RolesAnywhere.Endpoint.ToString(),
    };

    /// <summary>Credentials on this world's clock, disposed with it.</summary>
    public RolesAnywhereCredentials Credentials(RolesAnywhereCredentialsOptions options, Func<string, string?> environment)
    {
        var credentials = new RolesAnywhereCredentials(options, Time, environment: environment);
        Made.Add(credentials);
        return credentials;
    }

    /// <summary>A certificate for <paramref name="publicKey"/> carrying the trust anchor and profile ARNs, written as PEM with its intermediate.</summary>
    public string Issue(PublicKey publicKey, string name = "workload")
    {
        using var certificate = Pki.Issue(publicKey, name, uris: [FakeRolesAnywhereServer.TrustAnchorArn, FakeRolesAnywhereServer.ProfileArn]);
        return Pki.WritePem(Path.Combine(Temp.Path, name + ".pem"), certificate);
    }

    /// <summary>The real STS client of the AWS SDK, sending to the fake STS, with no retries of its own.</summary>
    public AmazonSecurityTokenServiceClient StsClient(AWSCredentials credentials) =>
        new(credentials, new AmazonSecurityTokenServiceConfig
        {
            ServiceURL = Sts.Endpoint.ToString(),
            AuthenticationRegion = FakeRolesAnywhereServer.Region,
            MaxErrorRetry = 0,
        });

    public async ValueTask DisposeAsync()
    {
        foreach (var credentials in Made)
        {
            credentials.Dispose();
        }

        await Sts.DisposeAsync();
        await RolesAnywhere.DisposeAsync();
        if (OwnsPki)
        {
            Pki.Dispose();
        }

        Temp.Dispose();
    }
}
