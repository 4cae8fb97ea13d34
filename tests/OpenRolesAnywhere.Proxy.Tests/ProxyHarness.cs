using Microsoft.AspNetCore.Builder;
using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.Core.Credentials;
using OpenRolesAnywhere.Core.RolesAnywhere;
using OpenRolesAnywhere.Server;
using OpenRolesAnywhere.Server.Hosting;
using OpenRolesAnywhere.TestCommon;
using OpenRolesAnywhere.TestCommon.FakeRolesAnywhere;
using OpenRolesAnywhere.TestCommon.LoopbackHost;

namespace OpenRolesAnywhere.Proxy.Tests;

/// <summary>
/// The credential server on Kestrel at 127.0.0.1 with the signing proxy as a side listener, signing with one
/// source of known credentials (the fakes upstream check signatures made with them, as AWS would).
/// </summary>
internal sealed class ProxyHarness : IAsyncDisposable
{
    public const string AccessKeyId = "ASIAPROXYTEST0000001";
    public const string SecretAccessKey = "proxy-test-secret/0123456789abcdefghijklmn";
    public const string SessionToken = "proxy-test-session-token";

    private readonly TempDirectory _directory;

    private ProxyHarness(WebApplication app, TempDirectory directory, Uri proxy, Uri? credentials)
    {
        App = app;
        _directory = directory;
        Proxy = proxy;
        Credentials = credentials;
    }

    public WebApplication App { get; }

    /// <summary>The proxy listener.</summary>
    public Uri Proxy { get; }

    /// <summary>The credential listener (health, metrics), when the test asked for one.</summary>
    public Uri? Credentials { get; }

    public static IssuedSession Issued { get; } = new(AccessKeyId, SecretAccessKey, SessionToken, DateTimeOffset.UtcNow.AddHours(1),
        FakeRolesAnywhereServer.RoleArn, "4242", "CN=proxy", null, "AWS4-X509-ECDSA-SHA256");

    /// <param name="withCredentialListener">Also a credential listener (as <c>serve --proxy-listen</c>); false: the proxy alone (as <c>proxy</c>).</param>
    public static async Task<ProxyHarness> StartAsync(SigV4ProxyOptions proxy, bool withCredentialListener = false, ICredentialSource? source = null, bool allowRemote = false)
    {
        var directory = new TempDirectory();
        var options = new ServeOptions
        {
            Listen = withCredentialListener ? ["http://127.0.0.1:0"] : [],
            UnixSocket = null,
            TokenFile = Path.Combine(directory.Path, "server.token"),
            AllowRemote = allowRemote,
            CommandLineSource = new CredentialSourceOptions { Name = "default", RoleArn = FakeRolesAnywhereServer.RoleArn, Certificate = "unused.pem" },
        };
        var address = ListenAddress.Parse($"http://127.0.0.1:{FreePort.Next()}");
        var app = CredentialServer.Build(options, o => source ?? new FixedSource(o.Name!), sideListeners: [new SigV4ProxyListener(address, proxy)]);
        await app.StartAsync();
        var credentials = withCredentialListener ? new Uri(app.Urls.First(u => new Uri(u).Port != address.Port)) : null;
        return new ProxyHarness(app, directory, new Uri(address.Url), credentials);
    }

    public static SigV4ProxyOptions Options(string service, Uri upstream, long maxBodyBytes = SigV4ProxyOptions.DefaultMaxBodyBytes) =>
        new() { Service = service, Region = "us-east-1", Upstream = upstream, MaxBodyBytes = maxBodyBytes };

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        _directory.Dispose();
    }

    /// <summary>Credentials the fakes know; no key or certificate is involved.</summary>
    internal sealed class FixedSource(string name) : ICredentialSource
    {
        public string Name => name;

        public string CacheKey => "fixed:" + name;

        public CredentialException? Failure { get; init; }

        public Task<SessionCredentials> FetchAsync(CancellationToken cancellationToken) => Failure is { } failure
            ? throw new CredentialException(failure.Kind, failure.Message)
            : Task.FromResult(new SessionCredentials(AccessKeyId, SecretAccessKey, SessionToken, Issued.Expiration, Issued.RoleArn, null));
    }
}
