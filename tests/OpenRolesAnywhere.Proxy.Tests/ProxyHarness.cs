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
    public static Task<ProxyHarness> StartAsync(SigV4ProxyOptions proxy, bool withCredentialListener = false, ICredentialSource? source = null, bool allowRemote = false) =>
        StartAsync(proxy, withCredentialListener, o => source ?? new FixedSource(o.Name!), allowRemote, config: null);

    /// <summary>The proxy's routes from a <c>--config</c> file (<paramref name="config"/> is its JSON: its sources and <c>ProxyRoutes</c>), as <c>proxy --config</c>.</summary>
    public static Task<ProxyHarness> StartWithConfigAsync(string config, Func<CredentialSourceOptions, ICredentialSource> sources, SigV4ProxyOptions? flags = null) =>
        StartAsync(flags, withCredentialListener: true, sources, allowRemote: false, config);

    private static async Task<ProxyHarness> StartAsync(SigV4ProxyOptions? proxy, bool withCredentialListener, Func<CredentialSourceOptions, ICredentialSource> sources, bool allowRemote, string? config)
    {
        var directory = new TempDirectory();
        var configFile = config is null ? null : Path.Combine(directory.Path, "serve.json");
        if (configFile is not null)
        {
            await File.WriteAllTextAsync(configFile, config);
        }

        var options = new ServeOptions
        {
            Listen = withCredentialListener ? ["http://127.0.0.1:0"] : [],
            UnixSocket = null,
            TokenFile = Path.Combine(directory.Path, "server.token"),
            AllowRemote = allowRemote,
            ConfigFile = configFile,
            CommandLineSource = config is not null ? null : new CredentialSourceOptions { Name = "default", RoleArn = FakeRolesAnywhereServer.RoleArn, Certificate = "unused.pem" },
        };
        var address = ListenAddress.Parse($"http://127.0.0.1:{FreePort.Next()}");
        var app = CredentialServer.Build(options, sources, sideListeners: [new SigV4ProxyListener(address, proxy)]);
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            directory.Dispose();
            throw;
        }

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
    internal sealed class FixedSource(string name, string accessKeyId = AccessKeyId, string secretAccessKey = SecretAccessKey) : ICredentialSource
    {
        public string Name => name;

        public string CacheKey => "fixed:" + name;

        public CredentialException? Failure { get; init; }

        public Task<SessionCredentials> FetchAsync(CancellationToken cancellationToken) => Failure is { } failure
            ? throw new CredentialException(failure.Kind, failure.Message)
            : Task.FromResult(new SessionCredentials(accessKeyId, secretAccessKey, SessionToken, Issued.Expiration, Issued.RoleArn, null));
    }
}
