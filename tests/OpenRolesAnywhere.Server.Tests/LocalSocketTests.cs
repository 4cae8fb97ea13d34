using System.Text;
using System.Net.Sockets;
using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.Core.Credentials;
using OpenRolesAnywhere.Core.Credentials.Chain;
using OpenRolesAnywhere.Core.RolesAnywhere;
using OpenRolesAnywhere.TestCommon.Credentials;

namespace OpenRolesAnywhere.Server.Tests;

public sealed class LocalSocketTests : IAsyncLifetime
{
    private RunningServer _server = null!;

    public async Task InitializeAsync() => _server = await RunningServer.StartAsync(
        arrange: s => s["locked"].Failure = new CredentialException(CredentialErrorKind.KeyLocked, "The SSH agent is locked: unlock it with ssh-add -X."),
        extraSources: ["locked"]);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    /// <summary>The server through the chain link credential-process uses (<see cref="LocalServerClient"/> underneath).</summary>
    private static ValueTask<SessionCredentials?> Ask(string socket, string key) =>
        new LocalServerCredentialSource(socket, key).TryGetAsync(CancellationToken.None);

    [Fact]
    public void Socket_AfterStart_IsPrivate()
    {
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_server.Socket));
    }

    [Fact]
    public async Task TryGet_KnownCacheKey_AnswersTheServersCachedCredentials()
    {
        var credentials = await Ask(_server.Socket, _server.Default.CacheKey);

        Assert.NotNull(credentials);
        Assert.Equal(CountingCredentialSource.AccessKeyIdOf(1), credentials.AccessKeyId);
        Assert.Equal("arn:aws:iam::123456789012:role/default", credentials.RoleArn);
        Assert.Equal(1, _server.Default.Calls);
    }

    [Fact]
    public async Task TryGet_UnknownCacheKey_AnswersNullSoTheCallerSignsItself()
    {
        Assert.Null(await Ask(_server.Socket, "some other certificate and role"));
    }

    [Fact]
    public async Task TryGet_KeyOfTheServersOptions_AnswersTheSameCachedCredentials()
    {
        var byCacheKey = await Ask(_server.Socket, _server.Default.CacheKey);

        var byOptionsKey = await Ask(_server.Socket, RunningServer.DefaultSourceOptions().CacheKey(RunningServer.Keys));

        Assert.NotNull(byOptionsKey);
        Assert.Equal(byCacheKey!.AccessKeyId, byOptionsKey.AccessKeyId);
        Assert.Equal(1, _server.Default.Calls);
    }

    [Theory]
    [InlineData("role")]
    [InlineData("duration")]
    [InlineData("session name")]
    [InlineData("key")]
    [InlineData("certificate")]
    public async Task TryGet_KeyOfOtherOptions_AnswersNullSoTheCallerSignsItself(string differs)
    {
        var options = RunningServer.DefaultSourceOptions();
        _ = differs switch
        {
            "role" => options.RoleArn += "-other",
            "duration" => options.SessionDuration = "7200",
            "session name" => options.RoleSessionName = "other",
            "key" => options.Key.SshFingerprint = "SHA256:other",
            _ => options.Certificate = "other.pem",
        };

        Assert.Null(await Ask(_server.Socket, options.CacheKey(RunningServer.Keys)));
    }

    [Fact]
    public async Task TryGet_KeyLongerThanTheServerReads_AnswersNullWithoutAsking()
    {
        Assert.Null(await Ask(_server.Socket, _server.Default.CacheKey + new string('x', LocalServerClient.MaxKeyBytes)));
    }

    [Theory]
    [InlineData("", "", "400")]
    [InlineData("Transfer-Encoding: chunked\r\n", "0\r\n\r\n", "413")]
    [InlineData("Content-Length: 0\r\n", "", "404")]
    public async Task Post_KeyWithoutLengthChunkedOrEmpty_IsRefusedWithoutCredentials(string header, string body, string status)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(_server.Socket));
        await socket.SendAsync(Encoding.ASCII.GetBytes($"POST {LocalServerClient.RequestPath} HTTP/1.1\r\nHost: localhost\r\n{header}Connection: close\r\n\r\n{body}"));
        using var stream = new NetworkStream(socket);
        using var reader = new StreamReader(stream, Encoding.ASCII);

        var response = await reader.ReadToEndAsync();

        Assert.StartsWith($"HTTP/1.1 {status} ", response, StringComparison.Ordinal);
        Assert.DoesNotContain("SecretAccessKey", response, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_BodyTooSlow_IsOneDebugLineWithoutErrorOrStackTrace()
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(_server.Socket));
        await socket.SendAsync(Encoding.ASCII.GetBytes($"POST {LocalServerClient.RequestPath} HTTP/1.1\r\nHost: localhost\r\nContent-Length: 200\r\n\r\nx"));
        using var stream = new NetworkStream(socket);
        using var reader = new StreamReader(stream, Encoding.ASCII);

        // The server gives up on the body after its minimum data rate's grace period and closes.
        var response = await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await Task.Delay(300);

        Assert.DoesNotContain("SecretAccessKey", response, StringComparison.Ordinal);
        Assert.DoesNotContain(_server.Logs.Raw, e => e.Level >= Serilog.Events.LogEventLevel.Error);
        Assert.DoesNotContain(_server.Logs.Raw, e => e.Exception is not null);
        var line = Assert.Single(_server.Logs.Raw, e => e.Properties.ContainsKey("RequestPath") || e.RenderMessage(System.Globalization.CultureInfo.InvariantCulture).Contains(LocalServerClient.RequestPath, StringComparison.Ordinal));
        Assert.Equal(Serilog.Events.LogEventLevel.Debug, line.Level);
    }

    [Fact]
    public async Task TryGet_SourceFailing_ThrowsTheServersReason()
    {
        var e = await Assert.ThrowsAsync<CredentialException>(() =>
            Ask(_server.Socket, _server.Sources["locked"].CacheKey).AsTask());

        Assert.Equal(CredentialErrorKind.KeyLocked, e.Kind);
        Assert.Equal("The SSH agent is locked: unlock it with ssh-add -X.", e.Message);
    }

    [Fact]
    public async Task TryGet_NoServer_AnswersNull()
    {
        Assert.Null(await Ask(Path.Combine(_server.Directory, "absent.sock"), _server.Default.CacheKey));
    }

    [Fact]
    public async Task TryGet_StaleSocketFile_AnswersNull()
    {
        var stale = Path.Combine(_server.Directory, "stale.sock");
        using (var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            // Bound under another name and renamed: .NET removes the file a socket was bound to when it is disposed.
            socket.Bind(new UnixDomainSocketEndPoint(stale + ".binding"));
            File.Move(stale + ".binding", stale);
        }

        Assert.Null(await Ask(stale, _server.Default.CacheKey));
    }

    [Fact]
    public async Task Chain_ServerServesTheKey_AnswersWithoutAskingTheNextLink()
    {
        var signHere = new CountingCredentialSource(TimeProvider.System, "sign-here");
        var chain = new ChainedCredentialSource(new LocalServerCredentialSource(_server.Socket, _server.Default.CacheKey), new SigningCredentialSource(signHere.FetchAsync));

        var credentials = await chain.GetAsync(CancellationToken.None);

        Assert.Equal(CountingCredentialSource.AccessKeyIdOf(1), credentials.AccessKeyId);
        Assert.Equal("arn:aws:iam::123456789012:role/default", credentials.RoleArn);
        Assert.Equal(1, _server.Default.Calls);
        Assert.Equal(0, signHere.Calls);
    }

    [Fact]
    public async Task Chain_ServerSourceFailing_StopsWithTheServersReasonWithoutSigning()
    {
        var signHere = new CountingCredentialSource(TimeProvider.System, "sign-here");
        var chain = new ChainedCredentialSource(new LocalServerCredentialSource(_server.Socket, _server.Sources["locked"].CacheKey), new SigningCredentialSource(signHere.FetchAsync));

        var e = await Assert.ThrowsAsync<CredentialException>(() => chain.GetAsync(CancellationToken.None));

        Assert.Equal(CredentialErrorKind.KeyLocked, e.Kind);
        Assert.Equal(0, signHere.Calls);
    }

    [Fact]
    public async Task Chain_ServerWithoutTheKey_UnavailableSoTheNextLinkSigns()
    {
        var signHere = new CountingCredentialSource(TimeProvider.System, "sign-here");
        var chain = new ChainedCredentialSource(new LocalServerCredentialSource(_server.Socket, "another source's key"), new SigningCredentialSource(signHere.FetchAsync));

        var credentials = await chain.GetAsync(CancellationToken.None);

        Assert.Equal(1, signHere.Calls);
        Assert.Equal(CountingCredentialSource.AccessKeyIdOf(1), credentials.AccessKeyId);
        Assert.Equal("arn:aws:iam::123456789012:role/sign-here", credentials.RoleArn);
    }

    [Fact]
    public async Task LocalPath_OverTcp_DoesNotExist()
    {
        using var response = await _server.Client.PostAsync(LocalServerClient.RequestPath, new StringContent(_server.Default.CacheKey));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain("SecretAccessKey", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_SocketHeldByARunningServer_FailsSayingSo()
    {
        var options = RunningServer.OptionsIn(_server.Directory) is var o
            ? new ServeOptions { Listen = o.Listen, TokenFile = Path.Combine(_server.Directory, "second.token"), UnixSocket = _server.Socket, CommandLineSource = o.CommandLineSource }
            : null!;
        var e = await Assert.ThrowsAsync<CredentialException>(async () =>
        {
            await using var second = CredentialServer.Build(options, _ => new CountingCredentialSource(TimeProvider.System));
            await second.StartAsync();
        });

        Assert.Contains("Another server already listens on", e.Message, StringComparison.Ordinal);
    }
}
