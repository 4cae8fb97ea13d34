using System.Buffers.Binary;
using System.Net.Sockets;
using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.Signers.SshAgent.Protocol;
using static OpenRolesAnywhere.Signers.SshAgent.Protocol.AgentMessageNumber;

namespace OpenRolesAnywhere.Signers.SshAgent;

/// <summary>
/// Speaks draft-miller-ssh-agent over the agent's Unix socket. Every request opens its own connection:
/// an agent may restart between signatures, and a connection is cheap. Every read is bounded in size and
/// time, so a broken or hostile peer gives an error, never a hang.
/// </summary>
internal sealed class SshAgentClient
{
    /// <summary>The largest reply we read; OpenSSH's own limit (AGENT_MAX_LEN) is the same.</summary>
    public const int MaxMessageLength = 256 * 1024;

    public const string StartAgentAdvice = "Start an agent with `eval $(ssh-agent)` and add your key with `ssh-add KEYFILE`.";

    public SshAgentClient(string socketPath, TimeSpan timeout)
    {
        SocketPath = socketPath;
        Timeout = timeout;
    }

    public string SocketPath { get; }

    /// <summary>How long one request may take: a hardware-backed agent may wait for a touch or a PIN.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>The agent named by <c>SSH_AUTH_SOCK</c>.</summary>
    public static SshAgentClient FromEnvironment(Func<string, string?>? environment, TimeSpan timeout)
    {
        var path = (environment ?? Environment.GetEnvironmentVariable)("SSH_AUTH_SOCK");
        return string.IsNullOrEmpty(path)
            ? throw new CredentialException(CredentialErrorKind.SignerUnavailable,
                "SSH_AUTH_SOCK is not set, so there is no SSH agent to ask. " + StartAgentAdvice + " Or give the key another way (--private-key).")
            : new SshAgentClient(path, timeout);
    }

    // SSH2_AGENTC_REQUEST_IDENTITIES: byte 11
    public async Task<IReadOnlyList<SshAgentIdentity>> ListIdentitiesAsync(CancellationToken cancellationToken) =>
        ReadIdentities(await RequestAsync(new SshWireWriter(SSH2_AGENTC_REQUEST_IDENTITIES).ToFrame(), cancellationToken));

    // SSH2_AGENTC_SIGN_REQUEST: byte 13, string key blob, string data, uint32 flags
    /// <returns>The signature's format and blob, or null when the agent refused to sign.</returns>
    public async Task<(string Format, byte[] Blob)?> SignAsync(ReadOnlyMemory<byte> keyBlob, ReadOnlyMemory<byte> data, uint flags, CancellationToken cancellationToken)
    {
        var request = new SshWireWriter(SSH2_AGENTC_SIGN_REQUEST);
        request.WriteString(keyBlob.Span);
        request.WriteString(data.Span);
        request.WriteUInt32(flags);
        return ReadSignature(await RequestAsync(request.ToFrame(), cancellationToken));
    }

    /// <summary>The reply to REQUEST_IDENTITIES (its body, without the length), or a <see cref="CredentialException"/>.</summary>
    internal IReadOnlyList<SshAgentIdentity> ReadIdentities(byte[] reply) => Decode(reply, "the list of keys", AgentReplies.Identities);

    /// <summary>The reply to SIGN_REQUEST (its body, without the length): null for SSH_AGENT_FAILURE, or a <see cref="CredentialException"/>.</summary>
    internal (string Format, byte[] Blob)? ReadSignature(byte[] reply) => Decode(reply, "the signature", AgentReplies.Signature);

    private T Decode<T>(byte[] reply, string what, Func<byte[], T> decode)
    {
        try
        {
            return decode(reply);
        }
        catch (SshWireFormatException e)
        {
            throw Malformed($"{what} is malformed: {e.Message}");
        }
    }

    /// <summary>Sends one framed request and returns the reply's body (message number and contents).</summary>
    private async Task<byte[]> RequestAsync(byte[] frame, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(SocketPath), timeout.Token);
        }
        catch (SocketException e)
        {
            throw Unavailable(e);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw TimedOut();
        }

        try
        {
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            await stream.WriteAsync(frame, timeout.Token);
            var header = new byte[4];
            await stream.ReadExactlyAsync(header, timeout.Token);
            var length = BinaryPrimitives.ReadUInt32BigEndian(header);
            if (length is 0 or > MaxMessageLength)
            {
                throw Malformed($"it announced a reply of {length} bytes (at most {MaxMessageLength} are allowed)");
            }

            var body = new byte[length];
            await stream.ReadExactlyAsync(body, timeout.Token);
            return body;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw TimedOut();
        }
        catch (EndOfStreamException)
        {
            throw new CredentialException(CredentialErrorKind.SignerUnavailable,
                $"The SSH agent at {SocketPath} closed the connection before answering in full: it may have stopped. " + StartAgentAdvice);
        }
        catch (IOException e)
        {
            throw new CredentialException(CredentialErrorKind.SignerUnavailable,
                $"The connection to the SSH agent at {SocketPath} failed: {e.Message}. It may have stopped. " + StartAgentAdvice, e);
        }
    }

    private CredentialException Unavailable(SocketException e)
    {
        var why = !File.Exists(SocketPath) ? "does not exist: the agent is gone (or SSH_AUTH_SOCK is stale)"
            : e.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => "refuses connections: the agent has stopped",
                SocketError.AccessDenied => "may not be opened by this user",
                _ => $"cannot be reached ({e.Message})",
            };
        return new CredentialException(CredentialErrorKind.SignerUnavailable,
            $"The SSH agent socket {SocketPath} (SSH_AUTH_SOCK) {why}. " + StartAgentAdvice, e);
    }

    private CredentialException TimedOut() =>
        new(CredentialErrorKind.SignerUnavailable,
            $"The SSH agent at {SocketPath} did not answer within {Timeout.TotalSeconds:0.#} s. If it waits for a touch or a PIN (hardware key, Secretive), confirm on the device and try again.");

    private CredentialException Malformed(string detail) =>
        new(CredentialErrorKind.SignerUnavailable,
            $"The SSH agent at {SocketPath} sent a reply that is not draft-miller-ssh-agent: {detail}. Check that SSH_AUTH_SOCK points at an SSH agent.");
}
