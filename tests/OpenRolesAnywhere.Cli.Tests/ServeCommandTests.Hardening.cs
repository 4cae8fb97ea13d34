using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using OpenRolesAnywhere.TestCommon;

namespace OpenRolesAnywhere.Cli.Tests;

/// <summary>
/// <c>serve</c> as a real process under attack from this machine (issue 10): forged log lines, loose token
/// files, the socket's first instant under <c>umask 000</c>, and thousands of idle connections under a
/// 1,024-descriptor limit.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed partial class ServeCommandTests
{
    private const UnixFileMode NotPrivate = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private string TokenFile => Path.Combine(_environment["XDG_RUNTIME_DIR"]!, "openrolesanywhere", "server.token");

    [Theory]
    [InlineData("human")]
    [InlineData("json")]
    public async Task Serve_RequestPathWithControlCharacters_ForgesNoLogLine(string format)
    {
        await using var serve = await ServeProcess.StartAsync([.. _sourceFlags, "--log-format", format], _environment);
        using (var tcp = new TcpClient())
        {
            await tcp.ConnectAsync(IPAddress.Loopback, serve.Port);
            await tcp.GetStream().WriteAsync(Encoding.ASCII.GetBytes(
                "GET /v1/credentials/x%0d%0a%5B23:59:59%20INF%5D%20Fetched%20credentials%20FORGED%1b%5B31m%07 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"));
            var answer = await new StreamReader(tcp.GetStream()).ReadToEndAsync();
            Assert.StartsWith("HTTP/1.1 4", answer, StringComparison.Ordinal);
        }

        await Eventually.TrueAsync(() => serve.Log.Contains("FORGED", StringComparison.Ordinal), "the refused request was logged");
        await serve.TerminateAsync();

        var lines = serve.Log.Split('\n');
        Assert.Contains(lines, l => l.Contains("FORGED", StringComparison.Ordinal) && l.Contains("responded 4", StringComparison.Ordinal));
        Assert.DoesNotContain(serve.Log, c => c < ' ' && c != '\n' && c != '\r');
        Assert.DoesNotContain(lines, l => l.TrimStart('\r').StartsWith("[23:59:59", StringComparison.Ordinal));
        if (format == "json")
        {
            Assert.All(lines.Where(l => l.Trim().Length > 0), l => JsonDocument.Parse(l).Dispose());
        }
    }

    [Theory]
    [InlineData("world-readable", "chmod 600")]
    [InlineData("dangling symlink", "symbolic link")]
    public async Task Serve_TokenFileNotPrivate_ExitsWithUsageCodeAndAHint(string kind, string hint)
    {
        var tokenFile = _cli.Temp.File("loose.token");
        if (kind == "world-readable")
        {
            await File.WriteAllTextAsync(tokenFile, "loose-token-0123456789");
            File.SetUnixFileMode(tokenFile, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }
        else
        {
            File.CreateSymbolicLink(tokenFile, _cli.Temp.File("absent"));
        }

        // A server that accepted the file would serve until stopped: that is a failure too.
        var (exitCode, _, error) = await _cli.RunAsync(["serve", .. _sourceFlags, "--listen", "http://127.0.0.1:0", "--no-socket", "--token-file", tokenFile]).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(2, exitCode);
        Assert.Contains(tokenFile, error, StringComparison.Ordinal);
        Assert.Contains(hint, error, StringComparison.Ordinal);
        Assert.DoesNotContain("unexpected", error, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("0123456789", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_UnderUmask000InAnOpenDirectory_SocketIsNeverLooseForAnInstant()
    {
        var directory = _cli.Temp.File("open");
        Directory.CreateDirectory(directory);
        File.SetUnixFileMode(directory, (UnixFileMode)Convert.ToInt32("755", 8));
        var socket = Path.Combine(directory, "server.sock");
        string[] umask000 = ["bash", "-c", "umask 000 && exec \"$@\"", "bash"];

        for (var start = 0; start < 2; start++)
        {
            var loose = new ConcurrentBag<string>();
            using var watching = new CancellationTokenSource();
            var watcher = Task.Run(() => WatchForLooseEntries(directory, loose, watching.Token));
            await using (var serve = await ServeProcess.StartAsync(
                [.. _sourceFlags, "--socket", socket, "--token-file", _cli.Temp.File("token")], _environment, wrapper: umask000))
            {
                watching.Cancel();
                var polls = await watcher;

                Assert.True(polls > 100, $"the directory was looked at only {polls} times");
                Assert.Empty(loose);
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(socket));
                Assert.Contains($"Listening on http://unix:{socket}", serve.Log, StringComparison.Ordinal);
                Assert.Equal(["server.sock"], Directory.EnumerateFileSystemEntries(directory).Select(Path.GetFileName));
                Assert.Equal(0, await serve.TerminateAsync());
            }
        }
    }

    [Fact]
    public async Task Serve_TwoThousandIdleConnectionsUnderA1024DescriptorLimit_KeepsAnsweringANormalClient()
    {
        await using var serve = await ServeProcess.StartAsync(_sourceFlags, _environment, wrapper: ["prlimit", "--nofile=1024", "--"]);
        using var client = new HttpClient { BaseAddress = serve.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        var token = await File.ReadAllTextAsync(TokenFile);
        Assert.Equal(HttpStatusCode.OK, await CredentialsStatusAsync(client, token));

        var idle = new ConcurrentBag<Socket>();
        using var attack = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var attacker = OpenIdleConnectionsAsync(serve.Port, 2000, idle, attack.Token);
        var answered = 0;
        var failures = new List<string>();
        while (!attack.IsCancellationRequested)
        {
            try
            {
                var status = await CredentialsStatusAsync(client, token);
                if (status == HttpStatusCode.OK)
                {
                    answered++;
                }
                else
                {
                    failures.Add(status.ToString());
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                failures.Add(e.Message);
            }

            await Task.Delay(200, CancellationToken.None);
        }

        var opened = await attacker;
        foreach (var socket in idle)
        {
            socket.Dispose();
        }

        Assert.False(serve.HasExited, $"serve exited with {(serve.HasExited ? serve.ExitCode : 0)}: {serve.Log}");
        Assert.True(opened >= 1000, $"the attack opened only {opened} connections");
        Assert.Empty(failures);
        Assert.True(answered > 50, $"only {answered} answers in 30 s");
        Assert.Equal(HttpStatusCode.OK, await CredentialsStatusAsync(client, token));
        Assert.Equal(0, await serve.TerminateAsync());
        Assert.DoesNotContain("Out of memory", serve.Log, StringComparison.Ordinal);
    }

    private static async Task<HttpStatusCode> CredentialsStatusAsync(HttpClient client, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/credentials");
        request.Headers.TryAddWithoutValidation("Authorization", token);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary>Opens up to <paramref name="count"/> connections that never send a byte; answers how many connected.</summary>
    private static async Task<int> OpenIdleConnectionsAsync(int port, int count, ConcurrentBag<Socket> sockets, CancellationToken cancellationToken)
    {
        var opened = 0;
        for (var batch = 0; batch < count / 100 && !cancellationToken.IsCancellationRequested; batch++)
        {
            await Task.WhenAll(Enumerable.Range(0, 100).Select(async _ =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                sockets.Add(socket);
                try
                {
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    timeout.CancelAfter(TimeSpan.FromSeconds(3));
                    await socket.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
                    Interlocked.Increment(ref opened);
                }
                catch (Exception e) when (e is SocketException or OperationCanceledException)
                {
                    // A full backlog: the attack goes on with the others.
                }
            }));
        }

        return opened;
    }

    /// <summary>Polls every entry of <paramref name="directory"/> as another local user would, noting any that others may use.</summary>
    private static int WatchForLooseEntries(string directory, ConcurrentBag<string> loose, CancellationToken cancellationToken)
    {
        var polls = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            polls++;
            foreach (var entry in Directory.EnumerateFileSystemEntries(directory))
            {
                try
                {
                    if ((File.GetUnixFileMode(entry) & NotPrivate) != 0)
                    {
                        loose.Add($"{entry} {File.GetUnixFileMode(entry)}");
                    }
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Renamed or removed between listing and looking.
                }
            }
        }

        return polls;
    }
}
