using Amazon.SecurityToken.Model;
using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.TestCommon;
using OpenRolesAnywhere.TestCommon.FakeRolesAnywhere;
using OpenRolesAnywhere.TestCommon.Pkcs11;
using OpenRolesAnywhere.TestCommon.SshAgent;

namespace OpenRolesAnywhere.AwsSdk.Tests;

/// <summary>
/// The AWS SDK for .NET as the judge: its STS client signs GetCallerIdentity with our credentials and the
/// verifying fake STS accepts only what the verifying fake CreateSession issued.
/// </summary>
[Collection(ProcessEnvironment.Name)]
public sealed class SdkClientTests : IClassFixture<SshAgentFixture>, IAsyncLifetime
{
    private readonly SshAgentFixture _agent;
    private readonly SoftHsmFixture _hsm;
    private SdkWorld _world = null!;

    public SdkClientTests(SshAgentFixture agent, SoftHsmFixture hsm)
    {
        _agent = agent;
        _hsm = hsm;
    }

    // The token's certificates come from the SoftHSM fixture's CA, so the fake trusts that one.
    public async Task InitializeAsync() => _world = await SdkWorld.StartAsync(_hsm.Pki);

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Theory]
    [InlineData("ecdsa-p256", "AWS4-X509-ECDSA-SHA256")]
    [InlineData("rsa-2048", "AWS4-X509-RSA-SHA256")]
    public async Task GetCallerIdentity_SshAgentKey_StsAcceptsTheIssuedCredentials(string key, string algorithm)
    {
        var agentKey = key == "ecdsa-p256" ? _agent.EcdsaP256 : _agent.Rsa2048;
        var options = _world.Options(_world.Issue(agentKey.PublicKey!), sshFingerprint: agentKey.Fingerprint);
        using var credentials = new RolesAnywhereCredentials(options, _world.Time, environment: _agent.Environment);
        using var sts = _world.StsClient(credentials);

        var identity = await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest());

        var issued = Assert.Single(_world.RolesAnywhere.Issued);
        Assert.Equal(algorithm, issued.Algorithm);
        Assert.Equal(FakeRolesAnywhereServer.Account, identity.Account);
        Assert.Equal(issued.AccessKeyId, Assert.Single(_world.Sts.AcceptedAccessKeys));
    }

    [Fact]
    public async Task GetCallerIdentity_SshAgentKeyMatchingTheCertificate_FindsItWithoutAFingerprint()
    {
        var options = _world.Options(_world.Issue(_agent.Rsa3072.PublicKey!));
        using var credentials = new RolesAnywhereCredentials(options, _world.Time, environment: _agent.Environment);
        using var sts = _world.StsClient(credentials);

        var identity = await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest());

        Assert.Equal(FakeRolesAnywhereServer.Account, identity.Account);
        Assert.Equal(Assert.Single(_world.RolesAnywhere.Issued).AccessKeyId, Assert.Single(_world.Sts.AcceptedAccessKeys));
    }

    [Fact]
    public async Task GetCallerIdentity_SoftHsmKey_StsAcceptsTheIssuedCredentials()
    {
        var options = _world.Options(_world.Issue(_hsm.P256.PublicKey, "token"), privateKey: _hsm.P256.KeyUri(query: null));
        options.PasswordEnvironmentVariable = "TOKEN_PIN";
        using var credentials = new RolesAnywhereCredentials(options, _world.Time, environment: name => name == "TOKEN_PIN" ? SoftHsmFixture.Pin : null);
        using var sts = _world.StsClient(credentials);

        var identity = await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest());

        Assert.Equal(FakeRolesAnywhereServer.Account, identity.Account);
        var issued = Assert.Single(_world.RolesAnywhere.Issued);
        Assert.Equal("AWS4-X509-ECDSA-SHA256", issued.Algorithm);
        Assert.Equal(issued.AccessKeyId, Assert.Single(_world.Sts.AcceptedAccessKeys));
    }

    [Fact]
    public async Task GetCallerIdentity_CertificateAndKeyOnTheToken_StsAcceptsTheIssuedCredentials()
    {
        // The fixture's certificate objects carry no ARNs and no chain: both are given here.
        var intermediates = Path.Combine(_world.Temp.Path, "intermediates.pem");
        await File.WriteAllTextAsync(intermediates, _hsm.Pki.Intermediate.ExportCertificatePem() + "\n");
        var options = _world.Options(_hsm.Rsa.CertificateUri, privateKey: _hsm.Rsa.KeyUri());
        options.Intermediates = intermediates;
        options.TrustAnchorArn = FakeRolesAnywhereServer.TrustAnchorArn;
        options.ProfileArn = FakeRolesAnywhereServer.ProfileArn;
        using var credentials = new RolesAnywhereCredentials(options, _world.Time, environment: _ => null);
        using var sts = _world.StsClient(credentials);

        var identity = await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest());

        Assert.Equal(FakeRolesAnywhereServer.Account, identity.Account);
        Assert.Equal("AWS4-X509-RSA-SHA256", Assert.Single(_world.RolesAnywhere.Issued).Algorithm);
    }

    [Fact]
    public async Task GetCallerIdentity_KeyNotInTheAgent_FailsWithOurMessageAndNoCall()
    {
        // The certificate is for a key the agent does not hold.
        using var stranger = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var publicKey = System.Security.Cryptography.X509Certificates.PublicKey.CreateFromSubjectPublicKeyInfo(stranger.ExportSubjectPublicKeyInfo(), out _);
        using var credentials = new RolesAnywhereCredentials(_world.Options(_world.Issue(publicKey)), _world.Time, environment: _agent.Environment);
        using var sts = _world.StsClient(credentials);

        var error = await Assert.ThrowsAsync<CredentialException>(() => sts.GetCallerIdentityAsync(new GetCallerIdentityRequest()));

        Assert.Equal(CredentialErrorKind.KeyNotFound, error.Kind);
        Assert.Equal(0, _world.RolesAnywhere.Calls);
        Assert.Empty(_world.Sts.AcceptedAccessKeys);
    }

    [Fact]
    public void Constructor_CertificateFileMissing_FailsAtOnceNamingTheFile()
    {
        var missing = Path.Combine(_world.Temp.Path, "missing.pem");

        var error = Assert.Throws<CredentialException>(() => new RolesAnywhereCredentials(_world.Options(missing), _world.Time, environment: _ => null));

        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_NamedCertificate_ReadsItFromTheConfigDirectory()
    {
        var config = Path.Combine(_world.Temp.Path, "xdg");
        Directory.CreateDirectory(Path.Combine(config, "openrolesanywhere"));
        File.Copy(_world.Issue(_agent.EcdsaP256.PublicKey!), Path.Combine(config, "openrolesanywhere", "mycert.pem"));
        var options = _world.Options(certificate: null!);
        options.Name = "mycert";

        using var credentials = new RolesAnywhereCredentials(options, _world.Time,
            environment: name => name == "XDG_CONFIG_HOME" ? config : _agent.Environment(name));

        Assert.Equal("mycert", credentials.Status.Name);
    }
}
