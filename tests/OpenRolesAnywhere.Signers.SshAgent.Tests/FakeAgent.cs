using System.Buffers.Binary;
using System.Net.Sockets;

namespace OpenRolesAnywhere.Signers.SshAgent.Tests;

/// <summary>
/// A Unix-socket server that answers each request with whatever bytes a test chooses, to see the client
/// cope with broken agents. Where a test needs a well-behaved agent it uses the real ssh-agent instead.
/// </summary>
internal sealed class FakeAgent : IDisposable
{
    private readonly Socket _listener = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
    private readonly CancellationTokenSource _stop = new();
    private readonly Func<byte[], FakeReply> _answer;
    private readonly List<Socket> _held = [];

    /// <param name="answer">Given the request body (message number and contents), the raw bytes to send back.</param>
    public FakeAgent(string socketPath, Func<byte[], FakeReply> answer)
    {
        SocketPath = socketPath;
        _answer = answer;
        _listener.Bind(new UnixDomainSocketEndPoint(socketPath));
        _listener.Listen();
        _ = Task.Run(ServeAsync);
    }

    public string SocketPath { get; }

    public Func<string, string?> Environment => name => name == "SSH_AUTH_SOCK" ? SocketPath : null;

    public int Requests { get; private set; }

    /// <summary>A whole, well-framed message: uint32 length, then the body.</summary>
    public static byte[] Frame(params byte[] body)
    {
        var frame = new byte[4 + body.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame, (uint)body.Length);
        body.CopyTo(frame, 4);
        return frame;
    }

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket connection;
            try
            {
                connection = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            try
            {
                var header = new byte[4];
                await ReceiveExactlyAsync(connection, header);
                var body = new byte[BinaryPrimitives.ReadUInt32BigEndian(header)];
                await ReceiveExactlyAsync(connection, body);
                Requests++;
                var reply = _answer(body);
                await connection.SendAsync(reply.Bytes, SocketFlags.None, _stop.Token);
                if (reply.HoldOpen)
                {
                    _held.Add(connection);
                    continue;
                }
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // The client gave up first: nothing to report.
            }

            connection.Dispose();
        }
    }

    private async Task ReceiveExactlyAsync(Socket connection, byte[] buffer)
    {
        for (var read = 0; read < buffer.Length;)
        {
            var n = await connection.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, _stop.Token);
            read += n > 0 ? n : throw new SocketException((int)SocketError.ConnectionReset);
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Dispose();
        foreach (var connection in _held)
        {
            connection.Dispose();
        }

        _stop.Dispose();
        File.Delete(SocketPath);
    }
}

/// <param name="Bytes">Sent as they are: a test may send a lying length or half a message.</param>
/// <param name="HoldOpen">Keep the connection open afterwards, as an agent that hangs would.</param>
internal sealed record FakeReply(byte[] Bytes, bool HoldOpen = false);
