using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using OpenRolesAnywhere.Core.Credentials;
using OpenRolesAnywhere.Core.KeySources;
using OpenRolesAnywhere.Core.RolesAnywhere;
using OpenRolesAnywhere.Server.Hosting;
using OpenRolesAnywhere.TestCommon;
using OpenRolesAnywhere.TestCommon.FakeRolesAnywhere;

namespace OpenRolesAnywhere.Server.Tests;

/// <summary>
/// A certificate file renewed while its source is healthy: a real source signing with a key file against the verifying
/// fake CreateSession, the cache and the watcher on a fake clock (so no scheduled refresh can be what fetched).
/// </summary>
public sealed class CertificateRenewalTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly System.Security.Cryptography.AsymmetricAlgorithm _key = TestKeys.Create("p256");
    private CreateSessionTestBed _bed = null!;
    private RunningServer _server = null!;
    private string _certificate = null!;

    public async Task InitializeAsync()
    {
        _bed = await CreateSessionTestBed.StartAsync();
        _certificate = _bed.Temp.File("workload.pem");
        WriteCertificate(new DateTimeOffset(2027, 3, 1, 0, 0, 0, TimeSpan.Zero));
        var options = new CredentialSourceOptions
        {
            Certificate = _certificate,
            Key = new KeySourceOptions { PrivateKey = TestKeys.WritePkcs8(_key, _bed.Temp.File("workload.key")) },
            TrustAnchorArn = FakeRolesAnywhereServer.TrustAnchorArn,
            ProfileArn = FakeRolesAnywhereServer.ProfileArn,
            RoleArn = FakeRolesAnywhereServer.RoleArn,
            Endpoint = _bed.Fake.Endpoint.ToString(),
        };
        var keys = new KeySourceProviders([new FileKeySource(_ => null, prompt: null)]);
        // The source signs with the real clock (the fake service checks skew); only the server's clock is ours.
        _server = await RunningServer.StartAsync(options, o => new RolesAnywhereCredentialSource(o, keys, new RolesAnywhereClient(_bed.Http, TimeProvider.System, environment: _ => null), _ => null), _time);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _bed.DisposeAsync();
        _key.Dispose();
    }

    [Fact]
    public async Task CertificateRenewed_WhileSourceHealthy_FetchedAfterTheQuietPeriodAndItsEndShown()
    {
        await Eventually.TrueAsync(async () => await CertificateExpirationAsync() == "2027-03-01T00:00:00Z", "the first fetch");

        WriteCertificate(new DateTimeOffset(2027, 9, 1, 0, 0, 0, TimeSpan.Zero));
        // Short of the quiet period, nothing: the file may still be being written.
        await Task.Delay(TimeSpan.FromSeconds(1));
        _time.Advance(CertificateWatcher.QuietPeriod - TimeSpan.FromMilliseconds(100));
        Assert.Equal(1, _bed.Fake.Calls);
        await Eventually.TrueAsync(async () =>
        {
            _time.Advance(TimeSpan.FromMilliseconds(200));
            return await CertificateExpirationAsync() == "2027-09-01T00:00:00Z";
        }, "the renewed certificate's end");

        Assert.Equal(2, _bed.Fake.Calls);
        Assert.Contains(_server.Logs.Events, e => e.Contains("2027-09-01", StringComparison.Ordinal));
    }

    private void WriteCertificate(DateTimeOffset notAfter)
    {
        using var leaf = _bed.Pki.Issue(TestKeys.PublicKeyOf(_key), notAfter: notAfter);
        _bed.Pki.WritePem(_certificate, leaf);
    }

    private async Task<string?> CertificateExpirationAsync()
    {
        using var json = JsonDocument.Parse(await _server.Client.GetStringAsync("/healthz"));
        var source = json.RootElement.GetProperty("sources").EnumerateArray().Single();
        return source.TryGetProperty("certificateExpiration", out var end) ? end.GetString() : null;
    }
}
