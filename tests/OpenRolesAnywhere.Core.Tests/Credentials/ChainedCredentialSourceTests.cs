using OpenRolesAnywhere.Core.Credentials;
using OpenRolesAnywhere.Core.Credentials.Chain;
using OpenRolesAnywhere.Core.KeySources;
using OpenRolesAnywhere.Core.RolesAnywhere;
using OpenRolesAnywhere.TestCommon;
using OpenRolesAnywhere.TestCommon.FakeRolesAnywhere;

namespace OpenRolesAnywhere.Core.Tests.Credentials;

/// <summary>The chain credential-process uses, with real links: a local server socket and CreateSession against the verifying fake.</summary>
public sealed class ChainedCredentialSourceTests : IAsyncLifetime
{
    private static readonly KeySourceProviders Keys = new([new FileKeySource(_ => null, prompt: null)]);
    private CreateSessionTestBed _bed = null!;

    public async Task InitializeAsync() => _bed = await CreateSessionTestBed.StartAsync();

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    private CredentialSourceOptions Options(string name, DateTimeOffset? notAfter = null)
    {
        using var key = TestKeys.Create("p256");
        using var leaf = _bed.Pki.Issue(TestKeys.PublicKeyOf(key), notBefore: notAfter?.AddDays(-2), notAfter: notAfter);
        return new CredentialSourceOptions
        {
            Certificate = _bed.Pki.WritePem(_bed.Temp.File(name + ".pem"), leaf, true),
            Key = new KeySourceOptions { PrivateKey = TestKeys.WritePkcs8(key, _bed.Temp.File(name + ".key")) },
            TrustAnchorArn = FakeRolesAnywhereServer.TrustAnchorArn,
            ProfileArn = FakeRolesAnywhereServer.ProfileArn,
            RoleArn = FakeRolesAnywhereServer.RoleArn,
            Endpoint = _bed.Fake.Endpoint.ToString(),
        };
    }

    private SigningCredentialSource SignHere(CredentialSourceOptions options) => new(async cancellationToken =>
    {
        using var source = new RolesAnywhereCredentialSource(options, Keys, new RolesAnywhereClient(_bed.Http, TimeProvider.System, environment: _ => null), _ => null);
        return await source.FetchAsync(cancellationToken);
    });

    [Fact]
    public async Task GetAsync_NoServerListening_UnavailableSoTheNextLinkSigns()
    {
        var options = Options("workload");
        var chain = new ChainedCredentialSource(new LocalServerCredentialSource(_bed.Temp.File("absent.sock"), options.CacheKey(Keys)), SignHere(options));

        var credentials = await chain.GetAsync(CancellationToken.None);

        Assert.Equal(Assert.Single(_bed.Fake.Issued).AccessKeyId, credentials.AccessKeyId);
    }

    [Fact]
    public async Task GetAsync_FirstLinkFailsForReal_StopsWithItsErrorWithoutAskingTheNext()
    {
        var expired = Options("expired", notAfter: DateTimeOffset.UtcNow.AddDays(-1));
        var chain = new ChainedCredentialSource(SignHere(expired), SignHere(Options("workload")));

        var e = await Assert.ThrowsAsync<CredentialException>(() => chain.GetAsync(CancellationToken.None));

        Assert.Equal(CredentialErrorKind.CertificateInvalid, e.Kind);
        Assert.Empty(_bed.Fake.Issued);
    }

    [Fact]
    public async Task GetAsync_EveryLinkUnavailable_ServiceUnavailableNamingWhatWasTried()
    {
        var first = _bed.Temp.File("first.sock");
        var second = _bed.Temp.File("second.sock");
        var chain = new ChainedCredentialSource(new LocalServerCredentialSource(first, "a"), new LocalServerCredentialSource(second, "a"));

        var e = await Assert.ThrowsAsync<CredentialException>(() => chain.GetAsync(CancellationToken.None));

        Assert.Equal(CredentialErrorKind.ServiceUnavailable, e.Kind);
        Assert.Contains(first, e.Message, StringComparison.Ordinal);
        Assert.Contains(second, e.Message, StringComparison.Ordinal);
        Assert.Empty(_bed.Fake.Issued);
    }
}
