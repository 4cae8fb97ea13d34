using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using OpenRolesAnywhere.Server.ContainerCredentials;
using OpenRolesAnywhere.Server.Hosting;
using OpenRolesAnywhere.TestCommon;
using OpenRolesAnywhere.TestCommon.FakeKms;
using OpenRolesAnywhere.TestCommon.FakeRolesAnywhere;
using OpenRolesAnywhere.TestCommon.FakeRolesAnywhereControlPlane;
using OpenRolesAnywhere.TestCommon.Postgres;

namespace OpenRolesAnywhere.Cli.Tests;

/// <summary>
/// <c>serve --admin-listen</c> as a real process: the admin routes answer on their own listener only,
/// behind the token, against the verifying KMS and control-plane doubles; the credential listener knows
/// nothing of them. The AWS SDK runs in the child process, so no process-wide SDK state leaks into tests.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ServeAdminListenerTests : IAsyncLifetime, IDisposable
{
    private const string AccessKeyId = "AKIASERVEADMIN000001";
    private const string SecretAccessKey = "serve-admin-secret/0123456789abcdefghij";
    private static readonly string Token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private CliHarness _cli = null!;
    private FakeKmsServer _kms = null!;
    private FakeRolesAnywhereControlPlaneServer _controlPlane = null!;
    private Dictionary<string, string?> _environment = null!;
    private string[] _sourceFlags = null!;
    private string _tokenFile = null!;

    public async Task InitializeAsync()
    {
        _cli = await CliHarness.StartAsync();
        _kms = await FakeKmsServer.StartAsync(FakeRolesAnywhereServer.Region, AccessKeyId, SecretAccessKey);
        _controlPlane = await FakeRolesAnywhereControlPlaneServer.StartAsync(FakeRolesAnywhereServer.Region, AccessKeyId, SecretAccessKey);
        var runtime = _cli.Temp.File("run");
        Directory.CreateDirectory(runtime);
        _environment = new Dictionary<string, string?>
        {
            ["HOME"] = _cli.Temp.Path,
            ["XDG_CONFIG_HOME"] = null,
            ["XDG_RUNTIME_DIR"] = runtime,
            ["SSH_AUTH_SOCK"] = null,
            ["AWS_ACCESS_KEY_ID"] = AccessKeyId,
            ["AWS_SECRET_ACCESS_KEY"] = SecretAccessKey,
            ["AWS_SESSION_TOKEN"] = null,
            ["AWS_PROFILE"] = null,
            ["AWS_REGION"] = null,
            ["AWS_DEFAULT_REGION"] = null,
            ["AWS_ENDPOINT_URL"] = null,
            ["AWS_ENDPOINT_URL_KMS"] = null,
            ["AWS_ENDPOINT_URL_ROLESANYWHERE"] = null,
            ["AWS_CONFIG_FILE"] = _cli.Temp.File("no-aws-config"),
            ["AWS_SHARED_CREDENTIALS_FILE"] = _cli.Temp.File("no-aws-credentials"),
            ["AWS_EC2_METADATA_DISABLED"] = "true",
        };
        var (certificate, key) = _cli.FileIdentity();
        _sourceFlags = ["--certificate", certificate, "--private-key", key, .. _cli.ArnFlags()];
        _tokenFile = _cli.Temp.File("admin.token");
        await File.WriteAllTextAsync(_tokenFile, Token);
        File.SetUnixFileMode(_tokenFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    public void Dispose() => _http.Dispose();

    public async Task DisposeAsync()
    {
        await _kms.DisposeAsync();
        await _controlPlane.DisposeAsync();
        await _cli.DisposeAsync();
    }

    [Fact]
    public async Task Serve_AdminListener_IssuesCertificateChainingToTheCaForACsrLargerThanCredentialBodies()
    {
        var (serve, admin) = await StartWithAdminAsync();
        await using var _ = serve;
        var ca = await CreateCaAndProfileAsync(admin);
        using var key = RSA.Create(4096);
        var csr = new CertificateRequest("CN=ignored", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1).CreateSigningRequestPem();
        Assert.InRange(Encoding.ASCII.GetByteCount(csr), Listeners.MaximumBodyBytes + 1, 64 * 1024);

        using var issued = await SendAsync(HttpMethod.Post, new Uri(admin, "/admin/certificates?validityDuration=1h&commonName=workload"), Token, new StringContent(csr, Encoding.ASCII, "application/x-pem-file"));
        var pem = await issued.Content.ReadAsStringAsync();

        Assert.True(issued.StatusCode == HttpStatusCode.Created, pem);
        Assert.Equal("application/x-pem-file", issued.Content.Headers.ContentType?.MediaType);
        using var leaf = X509Certificate2.CreateFromPem(pem);
        Assert.Equal("CN=workload", leaf.Subject);
        await AssertVerifiesAsync(pem, ca);

        // Chunked, as curl sends a body from a pipe: still read, up to the same limit.
        using var chunkedRequest = new HttpRequestMessage(HttpMethod.Post, new Uri(admin, "/admin/certificates?validityDuration=1h&commonName=chunked"))
        {
            Content = new StringContent(csr, Encoding.ASCII, "application/x-pem-file"),
        };
        chunkedRequest.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        chunkedRequest.Headers.TransferEncodingChunked = true;
        using var chunked = await _http.SendAsync(chunkedRequest);
        var chunkedPem = await chunked.Content.ReadAsStringAsync();
        Assert.True(chunked.StatusCode == HttpStatusCode.Created, chunkedPem);
        await AssertVerifiesAsync(chunkedPem, ca);

        // With a CA in place the admin route lists it on its listener; the credential listener still knows no such route.
        using var listed = await SendAsync(HttpMethod.Get, new Uri(admin, "/admin/certificates"), Token);
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        using var listedOnCredentialPort = await SendAsync(HttpMethod.Get, new Uri(serve.BaseAddress, "/admin/certificates"), Token);
        Assert.Equal(HttpStatusCode.NotFound, listedOnCredentialPort.StatusCode);
        using var wrongMethodOnCredentialPort = await SendAsync(HttpMethod.Delete, new Uri(serve.BaseAddress, "/admin/certificates"), Token);
        Assert.Equal(HttpStatusCode.NotFound, wrongMethodOnCredentialPort.StatusCode);

        // The same request on the credential listener meets its small body limit before any route.
        using var onCredentialPort = await SendAsync(HttpMethod.Post, new Uri(serve.BaseAddress, "/admin/certificates?validityDuration=1h&commonName=workload"), Token, new StringContent(csr, Encoding.ASCII, "application/x-pem-file"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, onCredentialPort.StatusCode);
    }

    [Fact]
    public async Task Serve_AdminRequestWithoutOrWithWrongToken_UnauthorizedProblemAndNothingCalled()
    {
        var (serve, admin) = await StartWithAdminAsync();
        await using var _ = serve;

        using var missing = await SendAsync(HttpMethod.Get, new Uri(admin, "/admin/certificates"), token: null);
        using var wrong = await SendAsync(HttpMethod.Post, new Uri(admin, "/admin/crl"), Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)));

        foreach (var response in new[] { missing, wrong })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
        }

        Assert.Empty(_kms.Calls);
    }

    [Fact]
    public async Task Serve_AdminListener_EachListenerAnswersOnlyItsOwnRoutes()
    {
        var (serve, admin) = await StartWithAdminAsync();
        await using var _ = serve;

        using var adminOnCredentialPort = await SendAsync(HttpMethod.Get, new Uri(serve.BaseAddress, "/admin/certificates"), Token);
        using var credentialsOnAdminPort = await SendAsync(HttpMethod.Get, new Uri(admin, ContainerCredentialsEndpoints.Path), Token);
        using var healthOnAdminPort = await SendAsync(HttpMethod.Get, new Uri(admin, "/healthz"), Token);
        using var adminOnAdminPort = await SendAsync(HttpMethod.Get, new Uri(admin, "/admin/certificates"), Token);

        Assert.Equal(HttpStatusCode.NotFound, adminOnCredentialPort.StatusCode);
        Assert.DoesNotContain("create-ca", await adminOnCredentialPort.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, credentialsOnAdminPort.StatusCode);
        Assert.Equal("application/problem+json", credentialsOnAdminPort.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, healthOnAdminPort.StatusCode);
        Assert.Contains("serves only the /admin routes", await credentialsOnAdminPort.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        // The admin route itself answered: no CA here yet, and it says how to make one.
        Assert.Equal(HttpStatusCode.NotFound, adminOnAdminPort.StatusCode);
        Assert.Contains("admin create-ca", await adminOnAdminPort.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_AdminWrongMethodBesideTheProxyListener_MethodNotAllowedProblemAndTheProxyStillTakesEveryPath()
    {
        var adminPort = TestCommon.LoopbackHost.FreePort.Next();
        var proxyPort = TestCommon.LoopbackHost.FreePort.Next();
        await using var serve = await ServeProcess.StartAsync(
            [.. _sourceFlags, "--no-socket", "--admin-listen", $"http://127.0.0.1:{adminPort}", "--admin-token-file", _tokenFile,
             "--admin-region", FakeRolesAnywhereServer.Region, "--admin-kms-endpoint", _kms.Endpoint.ToString(), "--admin-endpoint", _controlPlane.Endpoint.ToString(),
             "--proxy-listen", $"http://127.0.0.1:{proxyPort}", "--proxy-service", "sts", "--proxy-region", "us-east-1", "--proxy-upstream", _controlPlane.Endpoint.ToString()],
            _environment);
        var admin = new Uri($"http://127.0.0.1:{adminPort}");

        using var wrongMethod = await SendAsync(HttpMethod.Delete, new Uri(admin, "/admin/certificates"), Token);
        using var unknownPath = await SendAsync(HttpMethod.Get, new Uri(admin, "/admin/nothing"), Token);
        using var onProxy = await SendAsync(HttpMethod.Delete, new Uri($"http://127.0.0.1:{proxyPort}/admin/certificates"), Token);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongMethod.StatusCode);
        Assert.Equal("application/problem+json", wrongMethod.Content.Headers.ContentType?.MediaType);
        Assert.Contains("DELETE is not allowed on this path: it takes GET, POST", await wrongMethod.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(["GET", "POST"], wrongMethod.Content.Headers.Allow.Order(StringComparer.Ordinal));
        Assert.Equal(HttpStatusCode.NotFound, unknownPath.StatusCode);
        Assert.Equal("application/problem+json", unknownPath.Content.Headers.ContentType?.MediaType);
        // The proxy's catch-all still takes the path and method on its own socket: the request went upstream, not to the admin routes.
        Assert.NotEqual(HttpStatusCode.MethodNotAllowed, onProxy.StatusCode);
        Assert.DoesNotContain("problem", onProxy.Content.Headers.ContentType?.MediaType ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_AdminBodyOverItsLimit_PayloadTooLargeProblem()
    {
        var (serve, admin) = await StartWithAdminAsync();
        await using var _ = serve;

        using var response = await SendAsync(HttpMethod.Post, new Uri(admin, "/admin/certificates?validityDuration=1h&commonName=x"), Token,
            new StringContent(new string('A', 64 * 1024 + 1), Encoding.ASCII, "application/x-pem-file"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Serve_NoAdminListen_NoAdminRoutes()
    {
        await using var serve = await ServeProcess.StartAsync([.. _sourceFlags, "--no-socket"], _environment);

        using var response = await SendAsync(HttpMethod.Get, new Uri(serve.BaseAddress, "/admin/certificates"), Token);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Theory]
    [InlineData("no-token-file", "--admin-token-file")]
    [InlineData("missing", "does not exist")]
    [InlineData("loose", "chmod 600")]
    [InlineData("remote", "--allow-remote")]
    [InlineData("same-port", "port of its own")]
    [InlineData("token-file-only", "--admin-listen")]
    public async Task Serve_AdminMisconfigured_UsageExitSayingWhatToFix(string mistake, string expected)
    {
        var loose = _cli.Temp.File("loose.token");
        await File.WriteAllTextAsync(loose, Token);
        File.SetUnixFileMode(loose, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        string[] admin = mistake switch
        {
            "no-token-file" => ["--admin-listen", "http://127.0.0.1:0"],
            "missing" => ["--admin-listen", "http://127.0.0.1:0", "--admin-token-file", _cli.Temp.File("nope.token")],
            "loose" => ["--admin-listen", "http://127.0.0.1:0", "--admin-token-file", loose],
            "remote" => ["--admin-listen", "http://0.0.0.0:9912", "--admin-token-file", _tokenFile],
            "same-port" => ["--admin-listen", "http://127.0.0.1:9911", "--admin-token-file", _tokenFile],
            _ => ["--admin-token-file", _tokenFile],
        };

        var (exitCode, output, error) = await _cli.RunAsync(["serve", .. _sourceFlags, "--listen", "http://127.0.0.1:9911", "--no-socket", "--token-file", _cli.Temp.File("t"), .. admin]);

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Equal("", output);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_TwoReplicasOnOnePostgresLedger_ExactlyOneWinsPerSerialAndNoneLost()
    {
        await using var postgres = await PostgresServer.StartAsync();
        var database = await postgres.CreateDatabaseAsync();
        var environment = await LedgerEnvironmentAsync(postgres.ConnectionString(database));
        var (first, firstAdmin) = await StartWithAdminAsync(environment);
        await using var _ = first;
        var ca = await CreateCaAndProfileAsync(firstAdmin);
        var (second, secondAdmin) = await StartWithAdminAsync(environment);
        await using var __ = second;
        var admins = new[] { firstAdmin, secondAdmin };

        // Each serial asked of both replicas at once, and random serials from both, all at the same time.
        var contested = Enumerable.Range(1001, 6).SelectMany(serial => admins.Select(admin => IssueAsync(admin, serial.ToString(CultureInfo.InvariantCulture))));
        var random = Enumerable.Range(0, 10).Select(i => IssueAsync(admins[i % 2], null));
        var results = await Task.WhenAll(contested.Concat(random));

        var created = results.Where(r => r.Status == HttpStatusCode.Created).ToList();
        Assert.Equal(16, created.Count);
        Assert.All(results.Where(r => r.Status != HttpStatusCode.Created), r => Assert.Contains("was used before", r.Body, StringComparison.Ordinal));
        var serials = created.Select(r => X509Certificate2.CreateFromPem(r.Body).GetSerialNumberString()).ToList();
        Assert.Equal(16, serials.Distinct().Count());
        foreach (var response in created.Take(2))
        {
            await AssertVerifiesAsync(response.Body, ca);
        }

        Assert.Equal("16", await postgres.SqlAsync(database, "SELECT count(*) FROM certificates WHERE kind = 'end-entity'"));
        Assert.False(File.Exists(Path.Combine(_cli.Temp.Path, ".config", "openrolesanywhere", "ledger.db")));

        // The CLI reads the same ledger: list, revoke, expiring; the CRL from the other replica names the revocation.
        var list = await CliExecutable.RunAsync(["admin", "list-certificates"], environment);
        Assert.True(list.ExitCode == 0, list.Error);
        Assert.Equal(17, list.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => l.Contains("\tissued", StringComparison.Ordinal)));
        var revoke = await CliExecutable.RunAsync(["admin", "revoke", "--serial", "1003", "--reason", "key-compromise"], environment);
        Assert.True(revoke.ExitCode == 0, revoke.Error);
        var expiring = await CliExecutable.RunAsync(["admin", "list-certificates", "--expiring", "2h"], environment);
        Assert.True(expiring.ExitCode == 0, expiring.Error);
        Assert.DoesNotContain("1003\t", expiring.Output, StringComparison.Ordinal);
        Assert.Contains("1004\t", expiring.Output, StringComparison.Ordinal);
        using var crl = await SendAsync(HttpMethod.Post, new Uri(secondAdmin, "/admin/crl"), Token);
        Assert.True(crl.StatusCode == HttpStatusCode.OK, await crl.Content.ReadAsStringAsync());
        Assert.Equal([new System.Numerics.BigInteger(1003)], _controlPlane.RevokedSerials(Assert.Single(_controlPlane.TrustAnchors).Arn));
        Assert.DoesNotContain(postgres.Password, first.Log + second.Log + list.Error + revoke.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AdminListCertificates_LedgerLoginRefused_ExitsUsageWithoutThePassword()
    {
        await using var postgres = await PostgresServer.StartAsync();
        var database = await postgres.CreateDatabaseAsync();
        const string wrong = "wrong-ledger-password-31337";
        var environment = await LedgerEnvironmentAsync(postgres.ConnectionString(database).Replace(postgres.Password, wrong, StringComparison.Ordinal));

        var result = await CliExecutable.RunAsync(["admin", "list-certificates"], environment);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("refused the login", result.Error, StringComparison.Ordinal);
        Assert.Contains(database, result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(wrong, result.Output + result.Error, StringComparison.Ordinal);
    }

    /// <summary>The environment with the ledger's connection string in a 0600 file, as docs/admin.md says to keep it.</summary>
    private async Task<Dictionary<string, string?>> LedgerEnvironmentAsync(string connectionString)
    {
        var file = _cli.Temp.File("ledger-connection");
        await File.WriteAllTextAsync(file, connectionString);
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return new Dictionary<string, string?>(_environment) { ["OPENROLESANYWHERE_LEDGER_CONNECTION_STRING_FILE"] = file };
    }

    private async Task<(HttpStatusCode Status, string Body)> IssueAsync(Uri admin, string? serial)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var csr = new CertificateRequest("CN=replica", key, HashAlgorithmName.SHA256).CreateSigningRequestPem();
        var query = "/admin/certificates?validityDuration=1h&commonName=replica" + (serial is null ? "" : "&serialNumber=" + serial);
        using var response = await SendAsync(HttpMethod.Post, new Uri(admin, query), Token, new StringContent(csr, Encoding.ASCII, "application/x-pem-file"));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task<(ServeProcess Serve, Uri Admin)> StartWithAdminAsync(Dictionary<string, string?>? environment = null)
    {
        var port = TestCommon.LoopbackHost.FreePort.Next();
        var serve = await ServeProcess.StartAsync(
            [.. _sourceFlags, "--no-socket", "--admin-listen", $"http://127.0.0.1:{port}", "--admin-token-file", _tokenFile,
             "--admin-region", FakeRolesAnywhereServer.Region, "--admin-kms-endpoint", _kms.Endpoint.ToString(), "--admin-endpoint", _controlPlane.Endpoint.ToString()],
            environment ?? _environment);
        return (serve, new Uri($"http://127.0.0.1:{port}"));
    }

    /// <summary>The CA and a profile through the admin routes themselves, as an operator would with curl.</summary>
    private async Task<string> CreateCaAndProfileAsync(Uri admin)
    {
        var key = _kms.AddKey();
        using var ca = await SendAsync(HttpMethod.Post, new Uri(admin, "/admin/ca"), Token,
            Json(new { name = "ServeCa", kmsKeyId = key.Arn, validityDuration = "24h", subject = new { commonName = "serve-ca" } }));
        var body = await ca.Content.ReadAsStringAsync();
        Assert.True(ca.StatusCode == HttpStatusCode.Created, body);
        using var profile = await SendAsync(HttpMethod.Post, new Uri(admin, "/admin/profiles"), Token,
            Json(new { name = "ServeProfile", roleArns = new[] { FakeRolesAnywhereServer.RoleArn } }));
        Assert.True(profile.StatusCode == HttpStatusCode.Created, await profile.Content.ReadAsStringAsync());
        using var document = JsonDocument.Parse(body);
        return document.RootElement.GetProperty("certificate").GetString()!;
    }

    /// <summary>openssl, strict, trusting only the CA: a second opinion besides .NET's parsing above.</summary>
    private async Task AssertVerifiesAsync(string leafPem, string caPem)
    {
        var (leafFile, caFile) = (_cli.Temp.File("leaf.pem"), _cli.Temp.File("ca.pem"));
        await File.WriteAllTextAsync(leafFile, leafPem);
        await File.WriteAllTextAsync(caFile, caPem);
        var verified = await ProcessRunner.RunAsync("openssl", ["verify", "-x509_strict", "-CAfile", caFile, leafFile]);
        Assert.True(verified.ExitCode == 0, verified.Output + verified.Error);
    }

    private static StringContent Json(object body) => new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, Uri uri, string? token, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(method, uri) { Content = content };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await _http.SendAsync(request);
    }
}
