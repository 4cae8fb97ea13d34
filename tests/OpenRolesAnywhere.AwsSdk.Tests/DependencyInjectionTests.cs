using System.Text.Json;
using Amazon.Extensions.NETCore.Setup;
using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenRolesAnywhere.TestCommon.FakeRolesAnywhere;
using OpenRolesAnywhere.TestCommon.SshAgent;

namespace OpenRolesAnywhere.AwsSdk.Tests;

/// <summary>
/// An application as people write one: Host.CreateApplicationBuilder, appsettings.json with a "RolesAnywhere"
/// section, the AWS SDK's AddAWSService. Bad configuration stops the host at start, naming the field.
/// </summary>
[Collection(ProcessEnvironment.Name)]
public sealed class DependencyInjectionTests : IClassFixture<SshAgentFixture>, IAsyncLifetime
{
    private readonly SshAgentFixture _agent;
    private SdkWorld _world = null!;

    public DependencyInjectionTests(SshAgentFixture agent)
    {
        _agent = agent;
    }

    public async Task InitializeAsync() => _world = await SdkWorld.StartAsync();

    public async Task DisposeAsync() => await _world.DisposeAsync();

    private Dictionary<string, object> GoodSection() => new()
    {
        ["Certificate"] = _world.Issue(_agent.Rsa2048.PublicKey!),
        ["PrivateKey"] = _agent.Rsa2048.PrivateKeyPath,
        ["RoleArn"] = FakeRolesAnywhereServer.RoleArn,
        ["SessionDuration"] = "1h",
        ["Endpoint"] = _world.RolesAnywhere.Endpoint.ToString(),
    };

    private IHost BuildHost(Dictionary<string, object> section)
    {
        var root = Path.Combine(_world.Temp.Path, "app");
        Directory.CreateDirectory(root);
        File.WriteAllText(Path.Combine(root, "appsettings.json"), JsonSerializer.Serialize(new Dictionary<string, object> { ["RolesAnywhere"] = section }));
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = root, Args = [] });
        builder.Services.AddSingleton<TimeProvider>(_world.Time);
        builder.Services.AddRolesAnywhereCredentials();
        // AWSSDK.Extensions.NETCore.Setup 4.0.102 takes credentials from AWSOptions.Credentials (later versions also from a registered AWSCredentials).
        builder.Services.AddDefaultAWSOptions(services => new AWSOptions
        {
            Credentials = services.GetRequiredService<RolesAnywhereCredentials>(),
            DefaultClientConfig = { ServiceURL = _world.Sts.Endpoint.ToString(), AuthenticationRegion = FakeRolesAnywhereServer.Region, MaxErrorRetry = 0 },
        });
        builder.Services.AddAWSService<IAmazonSecurityTokenService>();
        return builder.Build();
    }

    [Fact]
    public async Task AddAWSService_AppSettingsSection_ClientsGetRolesAnywhereCredentials()
    {
        using var host = BuildHost(GoodSection());
        await host.StartAsync();

        var sts = host.Services.GetRequiredService<IAmazonSecurityTokenService>();
        var identity = await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest());
        await host.StopAsync();

        Assert.IsType<RolesAnywhereCredentials>(host.Services.GetRequiredService<AWSCredentials>());
        Assert.Equal(FakeRolesAnywhereServer.Account, identity.Account);
        var issued = Assert.Single(_world.RolesAnywhere.Issued);
        Assert.Equal("AWS4-X509-RSA-SHA256", issued.Algorithm);
        Assert.Equal(TimeSpan.FromHours(1), issued.Expiration - _world.Time.GetUtcNow());
        Assert.Equal(issued.AccessKeyId, Assert.Single(_world.Sts.AcceptedAccessKeys));
    }

    [Fact]
    public async Task StartAsync_MissingRoleAndBadDuration_FailsNamingBothFields()
    {
        var section = GoodSection();
        section.Remove("RoleArn");
        section["SessionDuration"] = "30s";
        section["TrustAnchorArn"] = "arn:aws:iam::123456789012:role/not-an-anchor";
        using var host = BuildHost(section);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("RolesAnywhere:RoleArn: required", error.Message, StringComparison.Ordinal);
        Assert.Contains("RolesAnywhere:SessionDuration:", error.Message, StringComparison.Ordinal);
        Assert.Contains("RolesAnywhere:TrustAnchorArn:", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, _world.RolesAnywhere.Calls);
    }

    [Fact]
    public async Task StartAsync_CertificateFileMissingAndTwoKeys_FailsNamingTheFields()
    {
        var section = GoodSection();
        section["Certificate"] = Path.Combine(_world.Temp.Path, "nowhere.pem");
        section["SshFingerprint"] = _agent.Rsa2048.Fingerprint;
        using var host = BuildHost(section);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("RolesAnywhere:Certificate: the file", error.Message, StringComparison.Ordinal);
        Assert.Contains("RolesAnywhere:SshFingerprint:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_MisspelledField_FailsNamingIt()
    {
        var section = GoodSection();
        section["RoleArm"] = FakeRolesAnywhereServer.RoleArn;
        using var host = BuildHost(section);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.Contains("'RoleArm'", error.Message, StringComparison.Ordinal);
    }
}
