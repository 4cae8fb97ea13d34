using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.TestCommon;

namespace OpenRolesAnywhere.Server.Tests;

public sealed class RequestGuardTests : IAsyncLifetime
{
    private RunningServer _server = null!;

    public async Task InitializeAsync() => _server = await RunningServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData("evil.example")]
    [InlineData("evil.example:9911")]
    [InlineData("localhost.evil.example")]
    public async Task Request_HostHeaderWithForeignName_Answers403(string host)
    {
        using var request = _server.ContainerRequest();
        request.Headers.Host = host;

        using var response = await _server.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.DoesNotContain("SecretAccessKey", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("LOCALHOST:9911")]
    [InlineData("127.0.0.1")]
    [InlineData("[::1]:9911")]
    [InlineData("169.254.170.2")]
    public async Task Request_HostHeaderLoopbackOrIpLiteral_IsServed(string host)
    {
        using var request = _server.ContainerRequest();
        request.Headers.Host = host;

        using var response = await _server.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Request_HostAllowedByFlag_IsServed()
    {
        await using var server = await RunningServer.StartAsync(options: (d, c) => new ServeOptions
        {
            Listen = ["http://127.0.0.1:0"],
            TokenFile = Path.Combine(d, "server.token"),
            UnixSocket = null,
            AllowedHosts = ["sidecar"],
            CommandLineSource = RunningServer.DefaultSourceOptions(),
        });
        using var request = server.ContainerRequest();
        request.Headers.Host = "sidecar:9911";

        using var response = await server.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Request_WithBody_Answers413()
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, "/latest/api/token") { Content = new ByteArrayContent(new byte[4096]) };
        request.Headers.Add("X-aws-ec2-metadata-token-ttl-seconds", "60");

        using var response = await _server.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task Request_ChunkedBody_Answers413()
    {
        var answer = await RawAsync("PUT /latest/api/token HTTP/1.1\r\nHost: 127.0.0.1\r\nX-aws-ec2-metadata-token-ttl-seconds: 60\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n0\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 413", answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_HugeHeaders_AreRefused()
    {
        using var request = _server.ContainerRequest();
        request.Headers.Add("X-Padding", new string('a', 40_000));

        using var response = await _server.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task Request_HugeRequestLine_IsRefused()
    {
        using var response = await _server.Client.GetAsync("/v1/credentials/" + new string('a', 10_000));

        Assert.Equal(HttpStatusCode.RequestUriTooLong, response.StatusCode);
    }

    [Fact]
    public async Task LoopbackServer_NonLoopbackPeer_Answers403()
    {
        var context = await InvokeAsync(_server.App, "GET", "/v1/credentials", IPAddress.Parse("192.0.2.10"), _server.Token);

        Assert.Equal(StatusCodes.Status403Forbidden, context.Response.StatusCode);
        AssertForbiddenBody(context);
    }

    [Fact]
    public async Task LoopbackServer_MappedLoopbackPeer_IsServed()
    {
        var context = await InvokeAsync(_server.App, "GET", "/v1/credentials", IPAddress.Parse("::ffff:127.0.0.1"), _server.Token);

        Assert.Equal(StatusCodes.Status200OK, context.Response.StatusCode);
    }

    [Fact]
    public async Task RemoteServer_RemotePeer_GetsContainerCredentialsWithTokenOnlyAndNoImds()
    {
        await using var remote = await RunningServer.StartAsync(options: (d, c) => RunningServer.OptionsIn(d, allowRemote: true));
        var peer = IPAddress.Parse("192.0.2.10");

        var withToken = await InvokeAsync(remote.App, "GET", "/v1/credentials", peer, remote.Token);
        var withoutToken = await InvokeAsync(remote.App, "GET", "/v1/credentials", peer, null);
        var imdsToken = await InvokeAsync(remote.App, "PUT", "/latest/api/token", peer, null, ("X-aws-ec2-metadata-token-ttl-seconds", "60"));
        var imdsList = await InvokeAsync(remote.App, "GET", "/latest/meta-data/iam/security-credentials/", peer, null);

        Assert.Equal(StatusCodes.Status200OK, withToken.Response.StatusCode);
        Assert.Equal(StatusCodes.Status401Unauthorized, withoutToken.Response.StatusCode);
        Assert.Equal(StatusCodes.Status403Forbidden, imdsToken.Response.StatusCode);
        Assert.Equal(StatusCodes.Status403Forbidden, imdsList.Response.StatusCode);
    }

    [Fact]
    public async Task Listen_SeveralLoopbackAddresses_ServesOnEach()
    {
        await using var server = await RunningServer.StartAsync(options: (d, c) => RunningServer.OptionsIn(d, listen: ["http://127.0.0.1:0", "http://127.0.0.2:0"]));
        var second = new Uri(server.App.Urls.Single(u => u.StartsWith("http://127.0.0.2:", StringComparison.Ordinal)));
        using var client = new HttpClient { BaseAddress = second };

        using var response = await client.SendAsync(server.ContainerRequest());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("http://0.0.0.0:9911", "--allow-remote")]
    [InlineData("http://*:9911", "--allow-remote")]
    [InlineData("http://192.0.2.1:9911", "--allow-remote")]
    [InlineData("https://127.0.0.1:9911", "https")]
    [InlineData("http://example.com:9911", "IP address")]
    [InlineData("http://127.0.0.1:9911/v1", "path")]
    [InlineData("127.0.0.1:9911", "URL")]
    public void Build_UnacceptableListenAddress_FailsNamingTheProblem(string listen, string expected)
    {
        using var temp = new TempDirectory();
        var options = RunningServer.OptionsIn(temp.Path, listen: [listen]);

        var e = Assert.Throws<CredentialException>(() => CredentialServer.Build(options, _ => throw new InvalidOperationException("not reached")));

        Assert.Equal(CredentialErrorKind.InvalidInput, e.Kind);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.Contains(listen, e.Message, StringComparison.Ordinal);
    }

    /// <summary>Runs one request through the app's real pipeline with a chosen peer address (no remote host is needed).</summary>
    internal static async Task<DefaultHttpContext> InvokeAsync(WebApplication app, string method, string path, IPAddress peer, string? token, params (string Name, string Value)[] headers)
    {
        var pipeline = ((IApplicationBuilder)app).Build();
        var context = new DefaultHttpContext { RequestServices = app.Services };
        context.Connection.RemoteIpAddress = peer;
        context.Connection.LocalIpAddress = IPAddress.Parse("192.0.2.1");
        context.Request.Method = method;
        context.Request.Path = path;
        context.Request.Host = new HostString("192.0.2.1:9911");
        if (token is not null)
        {
            context.Request.Headers.Authorization = token;
        }

        foreach (var (name, value) in headers)
        {
            context.Request.Headers[name] = value;
        }

        context.Response.Body = new MemoryStream();
        await pipeline(context);
        return context;
    }

    private static void AssertForbiddenBody(DefaultHttpContext context)
    {
        var body = Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray());
        Assert.DoesNotContain("SecretAccessKey", body, StringComparison.Ordinal);
        Assert.Contains("\"Code\":\"Forbidden\"", body, StringComparison.Ordinal);
    }

    private async Task<string> RawAsync(string request)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, _server.BaseAddress.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        return await new StreamReader(stream).ReadToEndAsync();
    }
}
