using OpenRolesAnywhere.Core.Credentials;
using OpenRolesAnywhere.Core.Credentials.Chain;
using OpenRolesAnywhere.Core.KeySources;
using OpenRolesAnywhere.Core.RolesAnywhere;
using OpenRolesAnywhere.TestCommon;
using OpenRolesAnywhere.TestCommon.FakeRolesAnywhere;

namespace OpenRolesAnywhere.Core.Tests.Credentials;

/// <summary>The chain credential-process uses, with real links: a local server socket and CreateSession against the verifying fake.</summary>
public sealed class ChainedCredentialSourceTests : IAsyncLifetime, IDisposable
{
    private static readonly KeySourceProviders Keys = new([new FileKeySource(_ => null, prompt: null)]);
    private readonly TestPki _pki = TestPki.Create();
    private readonly TempDirectory _temp = new();
    private readonly HttpClient _http = new();
    private FakeRolesAnywhereServer _fake = null!;

    public async Task InitializeAsync() => _fake = await FakeRolesAnywhereServer.StartAsync(_pki.Root);

    public async Task DisposeAsync() => await _fake.DisposeAsync();

    public void Dispose()
    {
        _http.Dispose();
        _pki.Dispose();
        _temp.Dispose();
    }

    private CredentialSourceOptions Options(string name, DateTimeOffset? notAfter = null)
    {
        using var key = TestKeys.Create("p256");
        using var leaf = _pki.Issue(TestKeys.PublicKeyOf(key), notBefore: notAfter?.AddDays(-2), notAfter: notAfter);
        return new CredentialSourceOptions
        {
            Certificate = _pki.WritePem(_temp.File(name + ".pem"), leaf, true),
            Key = new KeySourceOptions { PrivateKey = TestKeys.WritePkcs8(key, _temp.File(name + ".key")) },
            TrustAnchorArn = FakeRolesAnywhereServer.TrustAnchorArn,
            ProfileArn = FakeRolesAnywhereServer.ProfileArn,
            RoleArn = FakeRolesAnywhereServer.RoleArn,
            Endpoint = _fake.Endpoint.ToString(),
        };
    }

    private SigningCredentialSource SignHere(CredentialSourceOptions options) => new(async cancellationToken =>
    {
        using var source = new RolesAnywhereCredentialSource(options, Keys, new RolesAnywhereClient(_http, TimeProvider.System, environment: _ => null), _ => null);
        return await source.FetchAsync(cancellationToken);
    });

    [Fact]
    public async Task GetAsync_NoServerListening_UnavailableSoTheNextLinkSigns()
    {
        var options = Options("workload");
        var chain = new ChainedCredentialSource(new LocalServerCredentialSource(_temp.File("absent.sock"), options.CacheKey(Keys)), SignHere(options));

        var credentials = await chain.GetAsync(CancellationToken.None);

        Assert.Equal(Assert.Single(_fake.Issued).AccessKeyId, credentials.AccessKeyId);
    }

    [Fact]
    public async Task GetAsync_FirstLinkFailsForReal_StopsWithItsErrorWithoutAskingTheNext()
    {
        var expired = Options("expired", notAfter: DateTimeOffset.UtcNow.AddDays(-1));
        var chain = new ChainedCredentialSource(SignHere(expired), SignHere(Options("workload")));

        var e = await Assert.ThrowsAsync<CredentialException>(() => chain.GetAsync(CancellationToken.None));

        Assert.Equal(CredentialErrorKind.CertificateInvalid, e.Kind);
        Assert.Empty(_fake.Issued);
    }

    [Fact]
    public async Task GetAsync_EveryLinkUnavailable_ServiceUnavailableNamingWhatWasTried()
    {
        var first = _temp.File("first.sock");
        var second = _temp.File("second.sock");
        var chain = new ChainedCredentialSource(new LocalServerCredentialSource(first, "a"), new LocalServerCredentialSource(second, "a"));

        var e = await Assert.ThrowsAsync<CredentialException>(() => chain.GetAsync(CancellationToken.None));

        Assert.Equal(CredentialErrorKind.ServiceUnavailable, e.Kind);
        Assert.Contains(first, e.Message, StringComparison.Ordinal);
        Assert.Contains(second, e.Message, StringComparison.Ordinal);
        Assert.Empty(_fake.Issued);
    }
}
