using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Amazon.Runtime;
using Microsoft.AspNetCore.Builder;
using OpenRolesAnywhere.CertificateAuthority.Aws;
using OpenRolesAnywhere.CertificateAuthority.State;
using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.Core.Certificates;
using OpenRolesAnywhere.Admin.Http;
using OpenRolesAnywhere.TestCommon;
using OpenRolesAnywhere.TestCommon.FakeKms;
using OpenRolesAnywhere.TestCommon.FakeRolesAnywhereControlPlane;
using OpenRolesAnywhere.TestCommon.LoopbackHost;

namespace OpenRolesAnywhere.Admin.Http.Tests;

/// <summary>
/// The admin routes on a real Kestrel, driven as curl would, against the verifying KMS and control-plane
/// doubles. Apart from the server's tests on purpose: AWS SDK clients leave process-wide state behind that
/// upset the server's IMDS tests with the .NET SDK when both ran in one process.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed partial class AdminEndpointsTests : IAsyncLifetime, IDisposable
{
    private const string AccessKeyId = "AKIAADMINROUTES00001";
    private const string SecretAccessKey = "admin-routes-secret/0123456789abcdefghij";
    private const string RoleArn = "arn:aws:iam::123456789012:role/workload";
    private static readonly string Token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
    private readonly TempDirectory _temp = new();
    private readonly HttpClient _http = new();
    private FakeKmsServer _kms = null!;
    private FakeRolesAnywhereControlPlaneServer _controlPlane = null!;
    private WebApplication _app = null!;
    private Uri _endpoint = null!;

    public async Task InitializeAsync()
    {
        _kms = await FakeKmsServer.StartAsync("eu-west-1", AccessKeyId, SecretAccessKey);
        _controlPlane = await FakeRolesAnywhereControlPlaneServer.StartAsync("eu-west-1", AccessKeyId, SecretAccessKey);
        var tokenFile = _temp.File("admin-token");
        File.WriteAllText(tokenFile, Token);
        File.SetUnixFileMode(tokenFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var options = new AdminEndpointOptions(new CaStateStore(_temp.File("config")), new AwsSettings
        {
            Region = "eu-west-1",
            KmsEndpoint = _kms.Endpoint.ToString(),
            RolesAnywhereEndpoint = _controlPlane.Endpoint.ToString(),
            Credentials = new BasicAWSCredentials(AccessKeyId, SecretAccessKey),
            Environment = _ => null,
        }, tokenFile) { MaxRequestBytes = 16 * 1024 };
        (_app, _endpoint) = await LoopbackWebApp.StartAsync(
            services => services.AddAdminEndpoints(options),
            app => app.MapAdminEndpoints());
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _kms.DisposeAsync();
        await _controlPlane.DisposeAsync();
    }

    public void Dispose()
    {
        _http.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public async Task AdminRoutes_WholeFlow_AsTheCommandsDo()
    {
        var key = _kms.AddKey();
        using var ca = await SendAsync(HttpMethod.Post, "/admin/ca", Json(new { name = "HttpCA", kmsKeyId = key.Id, validityDuration = "8760h", subject = new { commonName = "Root" } }));
        Assert.Equal(HttpStatusCode.Created, ca.StatusCode);
        var trustAnchorArn = (await ca.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("trustAnchorArn").GetString();
        using var profile = await SendAsync(HttpMethod.Post, "/admin/profiles", Json(new { name = "HttpProfile", roleArns = new[] { RoleArn }, sessionDuration = "1h" }));
        Assert.Equal(HttpStatusCode.Created, profile.StatusCode);

        using var requester = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var csr = new CertificateRequest("CN=curl", requester, HashAlgorithmName.SHA256).CreateSigningRequestPem();
        using var issued = await SendAsync(HttpMethod.Post, "/admin/certificates?validityDuration=720h&commonName=enduser&organization=org",
            new StringContent(csr, Encoding.ASCII, "application/pkcs10"));
        Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
        Assert.Equal(AdminEndpoints.PemContentType, issued.Content.Headers.ContentType?.MediaType);
        using var leaf = X509Certificate2.CreateFromPem(await issued.Content.ReadAsStringAsync());
        using var root = new CaStateStore(_temp.File("config")).LoadCaCertificate();
        Assert.Equal("O=org, CN=enduser", leaf.Subject);
        Assert.Equal(trustAnchorArn, new CertificateBundle(X509Certificate2.CreateFromPem(leaf.ExportCertificatePem()), []).ArnsFromSubjectAlternativeName().TrustAnchorArn);
        Assert.True(ChainsTo(leaf, root));

        using var bare = await SendAsync(HttpMethod.Post, "/admin/certificates",
            Json(new { request = requester.ExportSubjectPublicKeyInfoPem(), validityDuration = "24h", subject = new { commonName = "legacy" } }));
        Assert.Equal(HttpStatusCode.Created, bare.StatusCode);
        Assert.Contains("bare public key", bare.Headers.GetValues(AdminEndpoints.WarningHeader).Single(), StringComparison.Ordinal);

        using var list = await SendAsync(HttpMethod.Get, "/admin/certificates");
        var entries = (await list.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().ToList();
        Assert.Equal(3, entries.Count);
        var serial = issued.Headers.Location!.OriginalString.Split('/')[^1];
        Assert.Contains(entries, e => e.GetProperty("serialNumber").GetString() == serial && e.GetProperty("status").GetString() == "issued");

        using var revoked = await SendAsync(HttpMethod.Post, $"/admin/certificates/{serial}/revoke?reason=superseded");
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        using var published = await SendAsync(HttpMethod.Post, "/admin/crl");
        Assert.True((await published.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("imported").GetBoolean());
        using var crl = await SendAsync(HttpMethod.Get, "/admin/crl");
        Assert.Equal(AdminEndpoints.CrlContentType, crl.Content.Headers.ContentType?.MediaType);
        var der = await crl.Content.ReadAsByteArrayAsync();
        Assert.Null(SignedDer.CheckCrl(der, root));
        Assert.Equal(der, Assert.Single(_controlPlane.Crls).Data);
        Assert.Contains(System.Numerics.BigInteger.Parse(serial, System.Globalization.CultureInfo.InvariantCulture), _controlPlane.RevokedSerials(trustAnchorArn!));
    }

    [Fact]
    public async Task ListCertificates_Expiring30d_OnlyWhatEndsWithinIt()
    {
        var key = _kms.AddKey();
        using var ca = await SendAsync(HttpMethod.Post, "/admin/ca", Json(new { name = "HttpCA", kmsKeyId = key.Id, validityDuration = "8760h", subject = new { commonName = "Root" } }));
        using var profile = await SendAsync(HttpMethod.Post, "/admin/profiles", Json(new { name = "HttpProfile", roleArns = new[] { RoleArn }, sessionDuration = "1h" }));
        using var requester = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var csr = new CertificateRequest("CN=curl", requester, HashAlgorithmName.SHA256).CreateSigningRequestPem();
        using var soon = await SendAsync(HttpMethod.Post, "/admin/certificates?validityDuration=240h&commonName=soon", new StringContent(csr, Encoding.ASCII, "application/pkcs10"));
        using var later = await SendAsync(HttpMethod.Post, "/admin/certificates?validityDuration=2400h&commonName=later", new StringContent(csr, Encoding.ASCII, "application/pkcs10"));
        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.Created), (soon.StatusCode, later.StatusCode));

        using var list = await SendAsync(HttpMethod.Get, "/admin/certificates?expiring=30d");
        using var bad = await SendAsync(HttpMethod.Get, "/admin/certificates?expiring=soon");

        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        var entry = Assert.Single((await list.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray());
        Assert.Equal(soon.Headers.Location!.OriginalString.Split('/')[^1], entry.GetProperty("serialNumber").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("expiring", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer not-the-token")]
    [InlineData("Basic abc")]
    public async Task AdminRoutes_WithoutTheToken_401ProblemAndNothingDone(string? authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_endpoint, "/admin/certificates"));
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.DoesNotContain(Token, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Certificates_BodyOverTheLimit_413Problem()
    {
        using var response = await SendAsync(HttpMethod.Post, "/admin/certificates?validityDuration=1h&commonName=x",
            new StringContent(new string('A', 20 * 1024), Encoding.ASCII, "text/plain"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Certificates_MalformedRequest_400ProblemWithTheCliMessage()
    {
        using var response = await SendAsync(HttpMethod.Post, "/admin/certificates?validityDuration=1h&commonName=x",
            new StringContent("this is not a CSR", Encoding.ASCII, "text/plain"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("InvalidInput", problem.GetProperty("title").GetString());
        Assert.Contains("no PEM block", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"name\":", "application/json", HttpStatusCode.BadRequest)]
    [InlineData("name=x", "application/x-www-form-urlencoded", HttpStatusCode.UnsupportedMediaType)]
    [InlineData("{\"name\":\"x\"}", "application/json", HttpStatusCode.BadRequest)]
    public async Task Ca_BadBody_ProblemNotAnException(string body, string contentType, HttpStatusCode expected)
    {
        using var response = await SendAsync(HttpMethod.Post, "/admin/ca", new StringContent(body, Encoding.UTF8, contentType));

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty(_kms.Calls);
    }

    [Fact]
    public async Task Ca_ValidityNotPositive_400ProblemNamingTheFieldNoCliFlag()
    {
        var key = _kms.AddKey();

        using var response = await SendAsync(HttpMethod.Post, "/admin/ca", Json(new { name = "HttpCA", kmsKeyId = key.Id, validityDuration = "0s", subject = new { commonName = "Root" } }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var detail = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!;
        Assert.StartsWith("validity duration must be longer than zero", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("--", detail, StringComparison.Ordinal);
        Assert.Empty(_kms.Calls);
    }

    [Theory]
    [InlineData("/admin/crl?validity=99999999999999999999h")]
    [InlineData("/admin/crl?validity=9223372036854775807")]
    [InlineData("/admin/crl?validity=forever")]
    [InlineData("/admin/certificates?validityDuration=99999999999999999999999999999999h&commonName=x")]
    public async Task Routes_DurationUnparseableOrTooLong_400ProblemNot500(string path)
    {
        using var response = await SendAsync(HttpMethod.Post, path, new StringContent("csr", Encoding.ASCII, "text/plain"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("InvalidInput", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString());
        Assert.Empty(_kms.Calls);
    }

    [Fact]
    public async Task Revoke_UnknownReason_400ProblemNamingTheFieldNoCliFlag()
    {
        using var response = await SendAsync(HttpMethod.Post, "/admin/certificates/12345/revoke?reason=bored");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var detail = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!;
        Assert.StartsWith("reason 'bored' is not a revocation reason", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("--", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Revoke_UnknownSerialOrNoCa_404Problem()
    {
        using var response = await SendAsync(HttpMethod.Post, "/admin/certificates/424242/revoke");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("ledger", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Crl_NothingPublished_404Problem()
    {
        using var response = await SendAsync(HttpMethod.Get, "/admin/crl");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public void AddAdminEndpoints_TokenFileReadableByOthers_RefusedAtStart()
    {
        var tokenFile = _temp.File("open-token");
        File.WriteAllText(tokenFile, Token);
        File.SetUnixFileMode(tokenFile, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);

        var error = Assert.Throws<CredentialException>(() => AdminToken.FromFile(tokenFile));

        Assert.Contains("chmod 600", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("symlink", "symbolic link")]
    [InlineData("another owner", "chown")]
    public void AdminToken_LinkedOrAnotherUsersFile_RefusedLikeTheServerToken(string kind, string hint)
    {
        var target = _temp.File("real-token");
        File.WriteAllText(target, Token);
        File.SetUnixFileMode(target, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var tokenFile = target;
        if (kind == "symlink")
        {
            tokenFile = _temp.File("linked-token");
            File.CreateSymbolicLink(tokenFile, target);
        }
        else
        {
            using var chown = System.Diagnostics.Process.Start("chown", ["65534", target])!;
            chown.WaitForExit();
            Assert.Equal(0, chown.ExitCode);
        }

        var error = Assert.Throws<CredentialException>(() => AdminToken.FromFile(tokenFile));

        Assert.Contains(hint, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("short")]
    [InlineData("two words that are long enough together")]
    public void AdminToken_WeakToken_Refused(string token)
    {
        var tokenFile = _temp.File("weak-token");
        File.WriteAllText(tokenFile, token);
        File.SetUnixFileMode(tokenFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var error = Assert.Throws<CredentialException>(() => AdminToken.FromFile(tokenFile));

        Assert.Contains("at least 32 characters", error.Message, StringComparison.Ordinal);
    }

    private static bool ChainsTo(X509Certificate2 leaf, X509Certificate2 root)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(root);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(leaf);
    }

    private static StringContent Json(object body) => new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(_endpoint, path)) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return await _http.SendAsync(request);
    }
}
