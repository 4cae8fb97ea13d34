using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Time.Testing;
using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.TestCommon;
using OpenRolesAnywhere.TestCommon.Credentials;

namespace OpenRolesAnywhere.Server.Tests;

/// <summary>
/// Serving a node: an https listener on every address with a certificate naming this machine's own non-loopback
/// address, reached there (a non-loopback peer, the host name checked), a renewed certificate taken without a
/// restart, and one token per source.
/// </summary>
public sealed class NodeTlsTests : IDisposable
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private readonly TestPki _pki = TestPki.Create("Node");
    private readonly IPAddress _node = NodeAddress.Find();

    public void Dispose() => _pki.Dispose();

    [Fact]
    public async Task HttpsListener_NonLoopbackPeerWithoutAllowRemote_GetsCredentialsWithTheToken()
    {
        await using var server = await StartAsync();
        using var client = TlsClient(server, _pki.Root);

        using var response = await client.SendAsync(server.ContainerRequest());
        using var refused = await client.SendAsync(server.ContainerRequest(token: "not-the-token"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(server.Default.RoleArn, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("RoleArn").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    [Fact]
    public async Task HttpsListener_ImdsFromNonLoopbackPeer_Answers403()
    {
        await using var server = await StartAsync();
        using var client = TlsClient(server, _pki.Root);
        using var request = new HttpRequestMessage(HttpMethod.Put, "/latest/api/token");
        request.Headers.Add("X-aws-ec2-metadata-token-ttl-seconds", "60");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task HttpsListener_ClientTrustingAnotherCa_RefusesTheServer()
    {
        using var other = TestPki.Create("Other");
        await using var server = await StartAsync();
        using var client = TlsClient(server, other.Root);

        await Assert.ThrowsAsync<HttpRequestException>(() => client.SendAsync(server.ContainerRequest()));
    }

    [Fact]
    public async Task Certificate_RenewedOnDisk_ServesTheNewOneAfterTheCheckWithoutRestart()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await StartAsync(time);
        var first = await ServedCertificateAsync(server);
        using var renewed = _pki.IssueServer([_node.ToString()]);
        _pki.WriteServerPem(server.Directory + "/tls.pem", server.Directory + "/tls.key", renewed);

        Assert.Equal(first, await ServedCertificateAsync(server));
        time.Advance(ServerCertificateInterval);

        Assert.Equal(renewed.SerialNumber, await ServedCertificateAsync(server));
        Assert.NotEqual(first, renewed.SerialNumber);
        Assert.Contains(server.Logs.Events, e => e.Contains("Reloaded the renewed TLS certificate", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Certificate_BrokenRenewal_KeepsTheLastGoodOneAndWarnsOnce()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await StartAsync(time);
        var first = await ServedCertificateAsync(server);
        using var stranger = _pki.IssueServer([_node.ToString()]);
        // A renewal caught half way: the new certificate, the old key.
        _pki.WritePem(server.Directory + "/tls.pem", stranger);

        time.Advance(ServerCertificateInterval);
        time.Advance(ServerCertificateInterval);

        Assert.Equal(first, await ServedCertificateAsync(server));
        Assert.Single(server.Logs.Events, e => e.Contains("Kept the previous TLS certificate", StringComparison.Ordinal));
        Assert.DoesNotContain(server.Logs.Events, e => e.Contains("PRIVATE KEY", StringComparison.Ordinal));
    }

    [Fact]
    public void Build_TlsKeyReadableByOthers_RefusesWithTheChmodHint()
    {
        using var temp = new TempDirectory();
        var (certificate, key) = WriteIdentity(temp.Path);
        File.SetUnixFileMode(key, Private | UnixFileMode.OtherRead);

        var e = Assert.Throws<CredentialException>(() => CredentialServer.Build(Options(temp.Path, certificate, key), _ => new CountingCredentialSource(TimeProvider.System)));

        Assert.Equal(CredentialErrorKind.InvalidInput, e.Kind);
        Assert.Contains(key, e.Message, StringComparison.Ordinal);
        Assert.Contains("chmod 600", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_TlsKeyOfAnotherCertificate_RefusesNamingBothFiles()
    {
        using var temp = new TempDirectory();
        var (certificate, key) = WriteIdentity(temp.Path);
        using var other = _pki.IssueServer(["127.0.0.1"]);
        _pki.WritePem(certificate, other);

        var e = Assert.Throws<CredentialException>(() => CredentialServer.Build(Options(temp.Path, certificate, key), _ => new CountingCredentialSource(TimeProvider.System)));

        Assert.Contains(certificate, e.Message, StringComparison.Ordinal);
        Assert.Contains(key, e.Message, StringComparison.Ordinal);
        Assert.Contains("unencrypted private key", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_TlsFilesWithoutAnHttpsListener_FailsNamingTheFlags()
    {
        using var temp = new TempDirectory();
        var options = RunningServer.OptionsIn(temp.Path);
        options = new ServeOptions { Listen = options.Listen, TokenFile = options.TokenFile, UnixSocket = null, CommandLineSource = options.CommandLineSource, TlsCertificate = "tls.pem", TlsKey = "tls.key" };

        var e = Assert.Throws<CredentialException>(() => CredentialServer.Build(options, _ => throw new InvalidOperationException("not reached")));

        Assert.Contains("--tls-certificate", e.Message, StringComparison.Ordinal);
        Assert.Contains("https://", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_SourceTokenFileReadableByOthers_RefusesNamingTheSource()
    {
        var e = await Assert.ThrowsAsync<CredentialException>(() => StartAsync(sourceTokens: true, looseToken: "reports"));

        Assert.Equal(CredentialErrorKind.InvalidInput, e.Kind);
        Assert.Contains("Source 'reports'", e.Message, StringComparison.Ordinal);
        Assert.Contains("chmod 600", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://0.0.0.0:9912", "https://127.0.0.1:9912")]
    [InlineData("http://0.0.0.0:9911", "http://127.0.0.1:9911")]
    public void ClientBaseUrl_HttpsListener_KeepsTheScheme(string listen, string expected) =>
        Assert.Equal(expected, ServerEnvironment.ClientBaseUrl(listen));

    [Theory]
    [InlineData("billing", "billing", HttpStatusCode.OK)]
    [InlineData("billing", "reports", HttpStatusCode.Forbidden)]
    [InlineData("reports", "billing", HttpStatusCode.Forbidden)]
    [InlineData("server", "billing", HttpStatusCode.Forbidden)]
    [InlineData("billing", "", HttpStatusCode.Forbidden)]
    [InlineData("server", "", HttpStatusCode.OK)]
    [InlineData("server", "shared", HttpStatusCode.OK)]
    [InlineData("billing", "shared", HttpStatusCode.Forbidden)]
    [InlineData("billing", "nosuchsource", HttpStatusCode.Forbidden)]
    public async Task SourceTokens_TokenOfOneWorkload_OpensOnlyItsOwnSource(string holder, string asked, HttpStatusCode expected)
    {
        await using var server = await StartAsync(sourceTokens: true);
        var token = holder == "server" ? server.Token : File.ReadAllText(Path.Combine(server.Directory, holder + ".token"));
        using var client = TlsClient(server, _pki.Root);

        using var response = await client.SendAsync(server.ContainerRequest(asked.Length == 0 ? "/v1/credentials" : "/v1/credentials/" + asked, token));

        Assert.Equal(expected, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        if (expected == HttpStatusCode.OK)
        {
            var source = server.Sources[asked.Length == 0 ? "default" : asked];
            Assert.Equal(source.RoleArn, JsonDocument.Parse(body).RootElement.GetProperty("RoleArn").GetString());
        }
        else
        {
            Assert.DoesNotContain("SecretAccessKey", body, StringComparison.Ordinal);
        }
    }

    private static TimeSpan ServerCertificateInterval => Hosting.ServerCertificate.CheckInterval;

    /// <summary>
    /// A server with http on loopback and https on every address, its certificate naming only the node address (given in
    /// the config file's TlsCertificate and TlsKey fields); with <paramref name="sourceTokens"/>, sources billing and
    /// reports have token files of their own (<paramref name="looseToken"/>'s readable by others) and shared has none.
    /// </summary>
    private Task<RunningServer> StartAsync(TimeProvider? time = null, bool sourceTokens = false, string? looseToken = null) =>
        RunningServer.StartAsync(time, (directory, _) =>
        {
            var (certificate, key) = WriteIdentity(directory);
            string[] names = ["billing", "reports", "shared"];
            foreach (var name in names.Take(2))
            {
                File.WriteAllText(Path.Combine(directory, name + ".token"), name + "-token-" + Guid.NewGuid().ToString("N"));
                File.SetUnixFileMode(Path.Combine(directory, name + ".token"), name == looseToken ? Private | UnixFileMode.OtherRead : Private);
            }

            var config = Path.Combine(directory, "serve.json");
            File.WriteAllText(config, JsonSerializer.Serialize(new
            {
                TlsCertificate = certificate,
                TlsKey = key,
                Sources = (sourceTokens ? names : []).Select(n => new
                {
                    Name = n,
                    Certificate = "unused.pem",
                    RoleArn = $"arn:aws:iam::{CountingCredentialSource.AccountId}:role/{n}",
                    TokenFile = n == "shared" ? null : Path.Combine(directory, n + ".token"),
                }),
            }));
            return RunningServer.OptionsIn(directory, configFile: config, listen: ["http://127.0.0.1:0", "https://0.0.0.0:0"]);
        }, extraSources: sourceTokens ? ["billing", "reports", "shared"] : []);

    private (string Certificate, string Key) WriteIdentity(string directory)
    {
        using var certificate = _pki.IssueServer([_node.ToString()]);
        return _pki.WriteServerPem(Path.Combine(directory, "tls.pem"), Path.Combine(directory, "tls.key"), certificate);
    }

    private static ServeOptions Options(string directory, string certificate, string key) => new()
    {
        Listen = ["https://0.0.0.0:0"],
        TokenFile = Path.Combine(directory, "server.token"),
        UnixSocket = null,
        CommandLineSource = RunningServer.DefaultSourceOptions(),
        TlsCertificate = certificate,
        TlsKey = key,
    };

    /// <summary>A client that trusts only <paramref name="root"/> and reaches the https listener on the node address, host name checked.</summary>
    private HttpClient TlsClient(RunningServer server, X509Certificate2 root)
    {
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.Zero,
            SslOptions = new SslClientAuthenticationOptions
            {
                CertificateChainPolicy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, CustomTrustStore = { root }, RevocationMode = X509RevocationMode.NoCheck },
            },
        };
        return new HttpClient(handler) { BaseAddress = new Uri($"https://{_node}:{HttpsPort(server)}") };
    }

    private static int HttpsPort(RunningServer server) =>
        new Uri(server.App.Urls.First(u => u.StartsWith("https://", StringComparison.Ordinal)).Replace("[::]", "0.0.0.0", StringComparison.Ordinal)).Port;

    /// <summary>The serial number of the certificate a new connection is served with.</summary>
    private async Task<string> ServedCertificateAsync(RunningServer server)
    {
        string? serial = null;
        using var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                CertificateChainPolicy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, CustomTrustStore = { _pki.Root }, RevocationMode = X509RevocationMode.NoCheck },
                RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                {
                    serial = certificate?.GetSerialNumberString();
                    return errors == SslPolicyErrors.None;
                },
            },
        };
        using var client = new HttpClient(handler) { BaseAddress = new Uri($"https://{_node}:{HttpsPort(server)}") };
        using var response = await client.GetAsync("/healthz");
        return serial ?? throw new InvalidOperationException("no certificate was presented");
    }
}
