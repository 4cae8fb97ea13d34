using System.Net.Sockets;

namespace OpenRolesAnywhere.Server.Tests;

/// <summary>Connections that send nothing are not held for minutes (issue 10, item 4).</summary>
public sealed class ConnectionLimitsTests : IAsyncLifetime
{
    private RunningServer _server = null!;

    public async Task InitializeAsync() => _server = await RunningServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task IdleConnection_SendingNothing_IsClosedWithinSeconds()
    {
        using var idle = new TcpClient();
        await idle.ConnectAsync(IPAddress.Loopback, _server.BaseAddress.Port);
        var started = DateTime.UtcNow;

        var read = await idle.GetStream().ReadAsync(new byte[1]).AsTask().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(0, read);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(20), $"closed after {DateTime.UtcNow - started}");
    }

    [Fact]
    public async Task IdleUnixSocketConnection_SendingNothing_IsClosedWithinSeconds()
    {
        using var idle = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await idle.ConnectAsync(new UnixDomainSocketEndPoint(_server.Socket));

        var read = await idle.ReceiveAsync(new byte[1], SocketFlags.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(0, read);
    }

    [Fact]
    public async Task HeadersNeverFinished_ConnectionIsClosedWithinSeconds()
    {
        using var slow = new TcpClient();
        await slow.ConnectAsync(IPAddress.Loopback, _server.BaseAddress.Port);
        await slow.GetStream().WriteAsync("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n"u8.ToArray());

        var answer = await new StreamReader(slow.GetStream()).ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.DoesNotContain("200 OK", answer, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1024, 2, 384)]
    [InlineData(1024, 3, 256)]
    [InlineData(524288, 2, 4096)]
    [InlineData(long.MaxValue, 1, 4096)]
    [InlineData(300, 4, 16)]
    public void ConnectionsPerListener_DescriptorLimit_LeavesAReserveAndSharesTheRest(long limit, int listeners, long expected)
    {
        Assert.Equal(expected, Hosting.Listeners.ConnectionsPerListener(limit, listeners));
    }
}
