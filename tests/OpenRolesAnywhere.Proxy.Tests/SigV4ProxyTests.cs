using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.Server.Hosting;
using OpenRolesAnywhere.TestCommon;
using OpenRolesAnywhere.TestCommon.FakeKms;
using OpenRolesAnywhere.TestCommon.FakeRolesAnywhere;
using OpenRolesAnywhere.TestCommon.FakeSts;
using OpenRolesAnywhere.TestCommon.LoopbackHost;

namespace OpenRolesAnywhere.Proxy.Tests;

/// <summary>
/// The signing proxy on real Kestrel, judged by the verifying fakes (STS and KMS recompute the SigV4 HMAC
/// signature independently of the product, as AWS does) and by curl as the client that cannot sign.
/// </summary>
public sealed class SigV4ProxyTests
{
    private const string GetCallerIdentity = "Action=GetCallerIdentity&Version=2011-06-15";

    [Fact]
    public async Task Curl_GetCallerIdentityThroughProxy_StsAcceptsTheSignatureAndAnswersTheIdentity()
    {
        await using var sts = await FakeStsServer.StartAsync(() => [ProxyHarness.Issued]);
        await using var proxy = await ProxyHarness.StartAsync(ProxyHarness.Options("sts", sts.Endpoint));

        var curl = await ProcessRunner.RunAsync("curl", ["-sS", "--fail-with-body", "-H", "Content-Type: application/x-www-form-urlencoded", "--data", GetCallerIdentity, proxy.Proxy.ToString()]);

        Assert.True(curl.ExitCode == 0, curl.Output + curl.Error);
        Assert.Contains($"<Arn>arn:aws:sts::{FakeRolesAnywhereServer.Account}:assumed-role/workload/4242</Arn>", curl.Output, StringComparison.Ordinal);
        Assert.Equal([ProxyHarness.AccessKeyId], sts.AcceptedAccessKeys);
    }

    [Fact]
    public async Task Curl_KmsDescribeKeyThroughProxy_KmsAcceptsAndAnswersTheKey()
    {
        await using var kms = await FakeKmsServer.StartAsync("us-east-1", ProxyHarness.AccessKeyId, ProxyHarness.SecretAccessKey, ProxyHarness.SessionToken);
        using var key = kms.AddKey();
        await using var proxy = await ProxyHarness.StartAsync(ProxyHarness.Options("kms", kms.Endpoint));

        var curl = await ProcessRunner.RunAsync("curl", ["-sS", "--fail-with-body", "-H", "Content-Type: application/x-amz-json-1.1", "-H", "X-Amz-Target: TrentService.DescribeKey",
            "--data", $"{{\"KeyId\":\"{key.Id}\"}}", proxy.Proxy.ToString()]);

        Assert.True(curl.ExitCode == 0, curl.Output + curl.Error);
        Assert.Contains(key.Arn, curl.Output, StringComparison.Ordinal);
        Assert.Equal("DescribeKey", Assert.Single(kms.Calls, c => c.Accepted).Operation);
    }

    [Fact]
    public async Task Request_WithItsOwnAuthorizationAndAmzHeaders_StrippedAndSignedAfresh()
    {
        await using var sts = await FakeStsServer.StartAsync(() => [ProxyHarness.Issued]);
        await using var proxy = await ProxyHarness.StartAsync(ProxyHarness.Options("sts", sts.Endpoint));
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, proxy.Proxy) { Content = new StringContent(GetCallerIdentity, Encoding.UTF8, "application/x-www-form-urlencoded") };
        request.Headers.TryAddWithoutValidation("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAOTHER/20200101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=00");
        request.Headers.TryAddWithoutValidation("X-Amz-Date", "20200101T000000Z");
        request.Headers.TryAddWithoutValidation("X-Amz-Security-Token", "someone-elses-token");

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([ProxyHarness.AccessKeyId], sts.AcceptedAccessKeys);
    }

    [Theory]
    [InlineData(false, HttpStatusCode.OK)]
    [InlineData(true, HttpStatusCode.Forbidden)]
    public async Task Body_ChangedBetweenProxyAndSts_RefusedUpstreamUnchangedAccepted(bool tamper, HttpStatusCode expected)
    {
        await using var sts = await FakeStsServer.StartAsync(() => [ProxyHarness.Issued]);
        using var forward = new HttpClient();
        // An intermediary on the way to STS that passes everything on, the Host and the signature too; it may add to the body.
        var (intermediary, endpoint) = await LoopbackWebApp.StartAsync(app => app.MapPost("/", async (HttpContext context) =>
        {
            using var body = new StreamReader(context.Request.Body);
            var text = await body.ReadToEndAsync() + (tamper ? "&Extra=1" : "");
            using var message = new HttpRequestMessage(HttpMethod.Post, sts.Endpoint) { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(text)) };
            message.Content.Headers.TryAddWithoutValidation("Content-Type", context.Request.ContentType);
            foreach (var name in new[] { "Authorization", "X-Amz-Date", "X-Amz-Security-Token" })
            {
                message.Headers.TryAddWithoutValidation(name, context.Request.Headers[name].ToString());
            }

            message.Headers.Host = context.Request.Host.Value;
            using var answer = await forward.SendAsync(message);
            return Results.Text(await answer.Content.ReadAsStringAsync(), "text/xml", statusCode: (int)answer.StatusCode);
        }));
        await using (intermediary)
        {
            await using var proxy = await ProxyHarness.StartAsync(ProxyHarness.Options("sts", endpoint));
            using var http = new HttpClient();

            using var response = await http.PostAsync(proxy.Proxy, new StringContent(GetCallerIdentity, Encoding.UTF8, "application/x-www-form-urlencoded"));

            Assert.Equal(expected, response.StatusCode);
            Assert.Contains(tamper ? "SignatureDoesNotMatch" : "<Arn>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Body_LargerThanTheCap_RefusedWith413BeforeAnythingIsSent()
    {
        await using var sts = await FakeStsServer.StartAsync(() => [ProxyHarness.Issued]);
        await using var proxy = await ProxyHarness.StartAsync(ProxyHarness.Options("sts", sts.Endpoint, maxBodyBytes: 1024));
        using var http = new HttpClient();
        var large = GetCallerIdentity + "&Pad=" + new string('a', 2048);

        using var withLength = await http.PostAsync(proxy.Proxy, new StringContent(large, Encoding.UTF8, "application/x-www-form-urlencoded"));
        using var chunked = new HttpRequestMessage(HttpMethod.Post, proxy.Proxy) { Content = new StreamContent(new UnseekableStream(Encoding.UTF8.GetBytes(large))) };
        using var chunkedResponse = await http.SendAsync(chunked);
        using var small = await http.PostAsync(proxy.Proxy, new StringContent(GetCallerIdentity, Encoding.UTF8, "application/x-www-form-urlencoded"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, withLength.StatusCode);
        Assert.Contains("at most 1024 bytes", await withLength.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, chunkedResponse.StatusCode);
        Assert.Contains("larger than the proxy signs (1024 bytes)", await chunkedResponse.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, small.StatusCode);
        Assert.Equal([ProxyHarness.AccessKeyId], sts.AcceptedAccessKeys);
    }

    [Fact]
    public async Task Source_WithoutValidCredentials_503SaysWhyAndNothingIsForwarded()
    {
        await using var sts = await FakeStsServer.StartAsync(() => [ProxyHarness.Issued]);
        var failing = new ProxyHarness.FixedSource("default") { Failure = new CredentialException(CredentialErrorKind.AccessDenied, "Roles Anywhere refused: untrusted signing certificate.") };
        await using var proxy = await ProxyHarness.StartAsync(ProxyHarness.Options("sts", sts.Endpoint), source: failing);
        using var http = new HttpClient();

        using var response = await http.PostAsync(proxy.Proxy, new StringContent(GetCallerIdentity, Encoding.UTF8, "application/x-www-form-urlencoded"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("No credentials to sign with", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(sts.AcceptedAccessKeys);
    }

    [Fact]
    public async Task ProxyInsideServe_MetricsCountProxiedRequestsByServiceAndStatus_CredentialRoutesNotOnProxySocket()
    {
        await using var sts = await FakeStsServer.StartAsync(() => [ProxyHarness.Issued]);
        await using var proxy = await ProxyHarness.StartAsync(ProxyHarness.Options("sts", sts.Endpoint), withCredentialListener: true);
        using var http = new HttpClient();

        using var accepted = await http.PostAsync(proxy.Proxy, new StringContent(GetCallerIdentity, Encoding.UTF8, "application/x-www-form-urlencoded"));
        using var refused = await http.PostAsync(proxy.Proxy, new StringContent("Action=Other", Encoding.UTF8, "application/x-www-form-urlencoded"));
        // On the proxy's socket every path goes upstream, even the server's own: the fake STS has no /metrics.
        using var metricsOnProxy = await http.GetAsync(new Uri(proxy.Proxy, "/metrics"));
        using var proxyOnCredentials = await http.PostAsync(new Uri(proxy.Credentials!, "/"), new StringContent(GetCallerIdentity, Encoding.UTF8, "application/x-www-form-urlencoded"));
        var metrics = await http.GetStringAsync(new Uri(proxy.Credentials!, "/metrics"));

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.DoesNotContain("openrolesanywhere_", await metricsOnProxy.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, proxyOnCredentials.StatusCode);
        Assert.Contains("openrolesanywhere_proxy_requests_total{service=\"sts\",status=\"200\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("openrolesanywhere_proxy_requests_total{service=\"sts\",status=\"403\"} 1", metrics, StringComparison.Ordinal);
        Assert.DoesNotContain(ProxyHarness.SecretAccessKey, metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Peer_NotLoopback_RefusedWith403()
    {
        await using var sts = await FakeStsServer.StartAsync(() => [ProxyHarness.Issued]);
        await using var proxy = await ProxyHarness.StartAsync(ProxyHarness.Options("sts", sts.Endpoint));
        var pipeline = ((IApplicationBuilder)proxy.App).Build();
        var context = new DefaultHttpContext { RequestServices = proxy.App.Services };
        context.Connection.RemoteIpAddress = IPAddress.Parse("192.0.2.7");
        context.Request.Method = "POST";
        context.Request.Path = "/";
        context.Response.Body = new MemoryStream();

        await pipeline(context);

        Assert.Equal(StatusCodes.Status403Forbidden, context.Response.StatusCode);
        Assert.Empty(sts.AcceptedAccessKeys);
    }

    [Fact]
    public void Listener_NotLoopbackWithoutAllowRemote_RefusedAtBuild()
    {
        var listener = new SigV4ProxyListener(ListenAddress.Parse("http://0.0.0.0:9913"), ProxyHarness.Options("sts", new Uri("https://sts.us-east-1.amazonaws.com")));

        var error = Assert.Throws<CredentialException>(() => listener.Validate(new Server.ServeOptions { Listen = [] }, []));

        Assert.Equal(CredentialErrorKind.InvalidInput, error.Kind);
        Assert.Contains("--allow-remote", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Source_NamedButNotConfigured_StartFailsSayingWhich()
    {
        var options = ProxyHarness.Options("sts", new Uri("http://127.0.0.1:9"));
        var named = new SigV4ProxyOptions { Service = options.Service, Region = options.Region, Upstream = options.Upstream, Source = "nope" };

        var error = await Assert.ThrowsAsync<CredentialException>(() => ProxyHarness.StartAsync(named));

        Assert.Contains("'nope' names no configured source (configured: default)", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A body of unknown length: HttpClient sends it chunked.</summary>
    private sealed class UnseekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
