using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OpenRolesAnywhere.Core;
using CredentialCache = OpenRolesAnywhere.Core.Credentials.CredentialCache;
using OpenRolesAnywhere.TestCommon;
using OpenRolesAnywhere.TestCommon.Credentials;

namespace OpenRolesAnywhere.Server.Tests;

public sealed class LifecycleTests
{
    [Fact]
    public async Task Stop_WithRequestInFlight_FinishesItAndRemovesTheSocket()
    {
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var server = await RunningServer.StartAsync(arrange: s => s["slow"].Hold = hold, extraSources: ["slow"]);
        var inFlight = server.Client.SendAsync(server.ContainerRequest("/v1/credentials/slow"));
        // The request is in flight once it waits in the cache (counted as a miss).
        await Eventually.TrueAsync(
            async () => (await server.Client.GetStringAsync("/metrics")).Contains("openrolesanywhere_cache_misses_total{source=\"slow\"} 1", StringComparison.Ordinal),
            "the request reached the cache");

        var stopping = server.App.StopAsync();
        await Task.Delay(200);
        Assert.False(stopping.IsCompleted, "shutdown did not wait for the request in flight");
        hold.SetResult();
        using var response = await inFlight;
        await stopping;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(File.Exists(server.Socket));
        Assert.True(File.Exists(server.TokenFile), "the token file must outlive the server: containers keep reading it");
        await server.DisposeAsync();
    }

    [Fact]
    public async Task Start_StaleSocketFileLeftByACrash_IsReplaced()
    {
        using var temp = new TempDirectory();
        var directory = temp.Path;
        var socketPath = Path.Combine(directory, "server.sock");
        using (var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            // Bound under another name and renamed: .NET removes the file a socket was bound to when it is disposed.
            socket.Bind(new UnixDomainSocketEndPoint(socketPath + ".binding"));
            File.Move(socketPath + ".binding", socketPath);
        }

        await using var app = CredentialServer.Build(RunningServer.OptionsIn(directory), _ => new CountingCredentialSource(TimeProvider.System));
        await app.StartAsync();

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(socketPath));
        await app.StopAsync();
    }

    [Fact]
    public async Task Start_TokenFileWithTrailingNewline_FailsSayingWhy()
    {
        using var temp = new TempDirectory();
        var directory = temp.Path;
        await File.WriteAllTextAsync(Path.Combine(directory, "server.token"), "my-token-0123456789\n");
        File.SetUnixFileMode(Path.Combine(directory, "server.token"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await using var app = CredentialServer.Build(RunningServer.OptionsIn(directory), _ => new CountingCredentialSource(TimeProvider.System));

        var e = await Assert.ThrowsAsync<CredentialException>(() => app.StartAsync());

        Assert.Contains("line break", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("my-token", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_GivenTokenFile_UsesItUnchanged()
    {
        using var temp = new TempDirectory();
        var directory = temp.Path;
        var tokenFile = Path.Combine(directory, "server.token");
        await File.WriteAllTextAsync(tokenFile, "given-token-0123456789");
        File.SetUnixFileMode(tokenFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await using var app = CredentialServer.Build(RunningServer.OptionsIn(directory), _ => new CountingCredentialSource(TimeProvider.System));
        await app.StartAsync();
        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First(u => u.Contains("127.0.0.1", StringComparison.Ordinal))) };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/credentials");
        request.Headers.TryAddWithoutValidation("Authorization", "given-token-0123456789");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("given-token-0123456789", await File.ReadAllTextAsync(tokenFile));
        await app.StopAsync();
    }

    [Fact]
    public async Task Config_SeveralSourcesAndDefault_ServesEachByNameAndTheDefault()
    {
        using var temp = new TempDirectory();
        var directory = temp.Path;
        var config = Path.Combine(directory, "serve.json");
        await File.WriteAllTextAsync(config, """
            {
              "DefaultSource": "prod",
              "Sources": [
                { "Name": "dev", "Certificate": "dev.pem", "RoleArn": "arn:aws:iam::123456789012:role/dev", "SessionDuration": "1h" },
                { "Name": "prod", "Certificate": "prod.pem", "Key": { "SshFingerprint": "SHA256:abc" }, "RoleArn": "arn:aws:iam::123456789012:role/prod",
                  "TrustAnchorArn": "arn:aws:rolesanywhere:eu-west-1:123456789012:trust-anchor/t", "ProfileArn": "arn:aws:rolesanywhere:eu-west-1:123456789012:profile/p" }
              ]
            }
            """);
        var seen = new List<string>();
        var options = RunningServer.OptionsIn(directory, configFile: config);
        await using var app = CredentialServer.Build(
            new ServeOptions { Listen = options.Listen, TokenFile = options.TokenFile, UnixSocket = null, ConfigFile = config },
            o =>
            {
                seen.Add($"{o.Name} {o.Certificate} {o.Key.SshFingerprint} {o.SessionDuration}");
                return new CountingCredentialSource(TimeProvider.System, o.Name!);
            });
        await app.StartAsync();
        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        var token = await File.ReadAllTextAsync(options.TokenFile);

        var byDefault = await RoleOfAsync(client, "/v1/credentials", token);
        var dev = await RoleOfAsync(client, "/v1/credentials/dev", token);

        Assert.Equal("arn:aws:iam::123456789012:role/prod", byDefault);
        Assert.Equal("arn:aws:iam::123456789012:role/dev", dev);
        Assert.Equal(["dev dev.pem  1h", "prod prod.pem SHA256:abc 3600"], seen);
        await app.StopAsync();
    }

    [Theory]
    [InlineData("""{"Sources":[{"Name":"a","Certificate":"a.pem","RoleArn":"not-an-arn"}]}""", "Sources[0].RoleArn")]
    [InlineData("""{"Sources":[{"Name":"a","Certificate":"a.pem","RoleArn":"arn:aws:iam::1:role/a"},{"Name":"a","Certificate":"b.pem","RoleArn":"arn:aws:iam::1:role/b"}]}""", "Sources[1].Name")]
    [InlineData("""{"Sources":[{"Name":"a b","Certificate":"a.pem","RoleArn":"arn:aws:iam::1:role/a"}]}""", "Sources[0].Name")]
    [InlineData("""{"Sources":[{"Name":"a","Certificate":"a.pem","RoleArn":"arn:aws:iam::1:role/a","SessionDuration":"20h"}]}""", "Sources[0].SessionDuration")]
    [InlineData("""{"Sources":[{"Name":"a","Certificate":"a.pem","RoleArn":"arn:aws:iam::1:role/a","ProfileArn":"arn:aws:iam::1:role/a"}]}""", "Sources[0].ProfileArn")]
    [InlineData("""{"DefaultSource":"b","Sources":[{"Name":"a","Certificate":"a.pem","RoleArn":"arn:aws:iam::1:role/a"}]}""", "DefaultSource")]
    [InlineData("""{"Sources":[]}""", "Sources:")]
    [InlineData("""{"Sources":[{"Name":"a","Certificate":"a.pem","RoleArm":"arn:aws:iam::1:role/a"}]}""", "RoleArm")]
    public async Task Config_Invalid_StartFailsNamingTheField(string json, string field)
    {
        using var temp = new TempDirectory();
        var directory = temp.Path;
        var config = Path.Combine(directory, "serve.json");
        await File.WriteAllTextAsync(config, json);
        var options = RunningServer.OptionsIn(directory, configFile: config);
        await using var app = CredentialServer.Build(
            new ServeOptions { Listen = options.Listen, TokenFile = options.TokenFile, UnixSocket = null, ConfigFile = config },
            _ => throw new InvalidOperationException("no source may be built from an invalid configuration"));

        var e = await Assert.ThrowsAnyAsync<Exception>(() => app.StartAsync());

        var message = CredentialServer.DescribeStartFailure(e);
        Assert.NotNull(message);
        Assert.Contains(field, message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CertificateRenewed_WhileSourceFails_IsUsedWithoutWaitingOutTheBackOff()
    {
        using var temp = new TempDirectory();
        var directory = temp.Path;
        var certificate = Path.Combine(directory, "workload.pem");
        await File.WriteAllTextAsync(certificate, "expired certificate");
        var config = Path.Combine(directory, "serve.json");
        await File.WriteAllTextAsync(config, JsonSerializer.Serialize(new { Sources = new[] { new { Name = "renewed", Certificate = certificate, RoleArn = "arn:aws:iam::123456789012:role/renewed" } } }));
        // A clock that stands still: the back-off's retry timer never fires, so only the renewal can end the failure.
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 5, 0, 0, TimeSpan.Zero));
        var source = new CountingCredentialSource(time, "renewed")
        {
            Failure = new CredentialException(CredentialErrorKind.CertificateInvalid, "The certificate expired; ask for a new one."),
        };
        await using var app = CredentialServer.Build(
            new ServeOptions { Listen = ["http://127.0.0.1:0"], TokenFile = Path.Combine(directory, "server.token"), UnixSocket = null, ConfigFile = config },
            _ => source,
            time);
        await app.StartAsync();
        var cache = app.Services.GetRequiredService<CredentialCache>();
        await Eventually.TrueAsync(() => cache.Status(source).LastErrorKind == CredentialErrorKind.CertificateInvalid, "the first fetch failed");
        Assert.True(cache.Status(source).NextAttempt > time.GetUtcNow(), "the failure started a back-off");

        source.Failure = null;
        await File.WriteAllTextAsync(certificate, "renewed certificate");
        await Eventually.TrueAsync(() => cache.Status(source).HasValidCredentials, "the renewed certificate was used");

        Assert.Equal(2, source.Calls);
        await app.StopAsync();
    }

    [Fact]
    public void Config_NotJson_BuildFailsSayingSo()
    {
        using var temp = new TempDirectory();
        var directory = temp.Path;
        var config = Path.Combine(directory, "serve.json");
        File.WriteAllText(config, "{ Sources: [");

        var e = Assert.Throws<CredentialException>(() => CredentialServer.Build(RunningServer.OptionsIn(directory, configFile: config), _ => null!));

        Assert.Contains("not valid JSON", e.Message, StringComparison.Ordinal);
    }

    private static async Task<string?> RoleOfAsync(HttpClient client, string path, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("Authorization", token);
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("RoleArn").GetString();
    }
}
