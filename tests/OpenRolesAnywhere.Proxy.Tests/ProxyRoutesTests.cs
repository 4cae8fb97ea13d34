using System.Net;
using System.Text;
using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.Core.Credentials;
using OpenRolesAnywhere.Server;
using OpenRolesAnywhere.TestCommon.FakeKms;
using OpenRolesAnywhere.TestCommon.FakeRolesAnywhere;
using OpenRolesAnywhere.TestCommon.FakeSts;

namespace OpenRolesAnywhere.Proxy.Tests;

/// <summary>
/// The proxy's routes from the config file (<c>ProxyRoutes</c>): each prefix to its service, signed with its own
/// named source's credentials, judged by the verifying fakes (each knows only its role's secret); paths no route
/// takes get 404; mistakes in the routes stop the start with a message naming the field.
/// </summary>
public sealed class ProxyRoutesTests
{
    private const string GetCallerIdentity = "Action=GetCallerIdentity&Version=2011-06-15";
    private const string KeysAccessKeyId = "ASIAPROXYKEYSROLE001";
    private const string KeysSecretAccessKey = "proxy-keys-role-secret/0123456789abcdefgh";

    [Fact]
    public async Task TwoRoutes_TwoSources_EachUpstreamVerifiesItsOwnRolesSignature()
    {
        await using var sts = await FakeStsServer.StartAsync(() => [ProxyHarness.Issued]);
        await using var kms = await FakeKmsServer.StartAsync("us-east-1", KeysAccessKeyId, KeysSecretAccessKey, ProxyHarness.SessionToken);
        using var key = kms.AddKey();
        await using var proxy = await ProxyHarness.StartWithConfigAsync(Config(Route("/sts", "sts", "metrics", sts.Endpoint), Route("/kms", "kms", "keys", kms.Endpoint)), TwoRoles);
        using var http = new HttpClient();

        using var identity = await http.PostAsync(new Uri(proxy.Proxy, "/sts"), new StringContent(GetCallerIdentity, Encoding.UTF8, "application/x-www-form-urlencoded"));
        using var describe = new HttpRequestMessage(HttpMethod.Post, new Uri(proxy.Proxy, "/kms/")) { Content = new StringContent($"{{\"KeyId\":\"{key.Id}\"}}", Encoding.UTF8) };
        describe.Content.Headers.ContentType = new("application/x-amz-json-1.1");
        describe.Headers.TryAddWithoutValidation("X-Amz-Target", "TrentService.DescribeKey");
        using var described = await http.SendAsync(describe);
        var metrics = await http.GetStringAsync(new Uri(proxy.Credentials!, "/metrics"));

        Assert.Equal(HttpStatusCode.OK, identity.StatusCode);
        Assert.Contains("<Arn>", await identity.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal([ProxyHarness.AccessKeyId], sts.AcceptedAccessKeys);
        Assert.Equal(HttpStatusCode.OK, described.StatusCode);
        Assert.Contains(key.Arn, await described.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("DescribeKey", Assert.Single(kms.Calls, c => c.Accepted).Operation);
        Assert.DoesNotContain(kms.Calls, c => !c.Accepted);
        Assert.Contains("openrolesanywhere_proxy_requests_total{service=\"sts\",status=\"200\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("openrolesanywhere_proxy_requests_total{service=\"kms\",status=\"200\"} 1", metrics, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/other")]
    [InlineData("/stsx")]
    [InlineData("/")]
    public async Task Path_MatchingNoRoute_404NamesTheRoutesAndNothingIsForwarded(string path)
    {
        await using var sts = await FakeStsServer.StartAsync(() => [ProxyHarness.Issued]);
        await using var proxy = await ProxyHarness.StartWithConfigAsync(Config(Route("/sts", "sts", "metrics", sts.Endpoint), Route("/kms", "kms", "keys", sts.Endpoint)), TwoRoles);
        using var http = new HttpClient();

        using var response = await http.PostAsync(new Uri(proxy.Proxy, path), new StringContent(GetCallerIdentity, Encoding.UTF8, "application/x-www-form-urlencoded"));
        var metrics = await http.GetStringAsync(new Uri(proxy.Credentials!, "/metrics"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("text/plain; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.Contains($"No route takes the path '{path}': the routes are /sts, /kms", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(sts.AcceptedAccessKeys);
        Assert.Contains("openrolesanywhere_proxy_requests_total{service=\"none\",status=\"404\"} 1", metrics, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"PathPrefix":"/sts","Service":"sts","Region":"us-east-1","Source":"nope"}""", "ProxyRoutes[0].Source: no source is named 'nope' (configured: metrics, keys)")]
    [InlineData("""{"PathPrefix":"/sts","Service":"sts","Region":"us-east-1"},{"PathPrefix":"/sts","Service":"kms","Region":"us-east-1"}""", "ProxyRoutes[1].PathPrefix: '/sts' overlaps ProxyRoutes[0].PathPrefix ('/sts')")]
    [InlineData("""{"PathPrefix":"/a","Service":"sts","Region":"us-east-1"},{"PathPrefix":"/a/b","Service":"kms","Region":"us-east-1"}""", "ProxyRoutes[1].PathPrefix: '/a/b' overlaps ProxyRoutes[0].PathPrefix ('/a')")]
    [InlineData("""{"PathPrefix":"/","Service":"sts","Region":"us-east-1"},{"PathPrefix":"/kms","Service":"kms","Region":"us-east-1"}""", "ProxyRoutes[1].PathPrefix: '/kms' overlaps ProxyRoutes[0].PathPrefix ('/')")]
    [InlineData("""{"PathPrefix":"sts/","Service":"sts","Region":"us-east-1"}""", "ProxyRoutes[0].PathPrefix: 'sts/' is not a path prefix")]
    [InlineData("""{"Service":"sts","Region":"us-east-1"}""", "ProxyRoutes[0].PathPrefix: is missing")]
    [InlineData("""{"PathPrefix":"/sts","Service":"STS!","Region":"us-east-1"}""", "ProxyRoutes[0].Service: 'STS!' is not an AWS signing name")]
    [InlineData("""{"PathPrefix":"/sts","Region":"us-east-1"}""", "ProxyRoutes[0].Service: is missing")]
    [InlineData("""{"PathPrefix":"/sts","Service":"sts"}""", "ProxyRoutes[0].Region: is missing")]
    [InlineData("""{"PathPrefix":"/sts","Service":"sts","Region":"mars"}""", "ProxyRoutes[0].Region: 'mars' is not an AWS region")]
    [InlineData("""{"PathPrefix":"/sts","Service":"sts","Region":"us-east-1","Upstream":"ftp://x"}""", "ProxyRoutes[0].Upstream: 'ftp://x' is not an http(s) URL")]
    public async Task Config_BadRoute_StartRefusedNamingTheField(string routes, string expected)
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => ProxyHarness.StartWithConfigAsync(Config(routes), TwoRoles));

        Assert.Contains(expected, CredentialServer.DescribeStartFailure(error), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Config_RouteFieldNotKnown_StartRefusedNamingIt()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => ProxyHarness.StartWithConfigAsync(Config("""{"PathPrefix":"/sts","Service":"sts","Region":"us-east-1","Prefix":"/x"}"""), TwoRoles));

        Assert.Contains("Prefix", CredentialServer.DescribeStartFailure(error), StringComparison.Ordinal);
    }

    [Fact]
    public async Task FlagsAndConfigRoutes_Both_StartRefusedSayingUseOne()
    {
        var flags = ProxyHarness.Options("sts", new Uri("http://127.0.0.1:9"));

        var error = await Assert.ThrowsAsync<CredentialException>(() => ProxyHarness.StartWithConfigAsync(Config(Route("/sts", "sts", "metrics", flags.Upstream)), TwoRoles, flags));

        Assert.Equal(CredentialErrorKind.InvalidInput, error.Kind);
        Assert.Contains("both give routes: use one or the other", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoFlagsAndNoConfigRoutes_StartRefusedSayingWhatToGive()
    {
        var error = await Assert.ThrowsAsync<CredentialException>(() => ProxyHarness.StartWithConfigAsync(Config(""), TwoRoles));

        Assert.Contains("The proxy has no route: give --service and --region", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Two roles: "metrics" signs with the key the fake STS knows, "keys" with the one the fake KMS knows.</summary>
    private static ICredentialSource TwoRoles(CredentialSourceOptions source) => source.Name == "keys"
        ? new ProxyHarness.FixedSource("keys", KeysAccessKeyId, KeysSecretAccessKey)
        : new ProxyHarness.FixedSource(source.Name!);

    private static string Route(string prefix, string service, string source, Uri upstream) =>
        $$"""{"PathPrefix":"{{prefix}}","Service":"{{service}}","Region":"us-east-1","Source":"{{source}}","Upstream":"{{upstream}}"}""";

    private static string Config(params string[] routes) => $$"""
        {
          "Sources": [
            {"Name": "metrics", "Certificate": "unused.pem", "RoleArn": "{{FakeRolesAnywhereServer.RoleArn}}"},
            {"Name": "keys", "Certificate": "unused.pem", "RoleArn": "arn:aws:iam::{{FakeRolesAnywhereServer.Account}}:role/keys"}
          ],
          "ProxyRoutes": [{{string.Join(",", routes)}}]
        }
        """;
}
