using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using OpenRolesAnywhere.Core.RolesAnywhere;

namespace OpenRolesAnywhere.Core.Credentials;

/// <summary>
/// Asks a running <c>serve</c> over its Unix socket for the credentials of one source key, so
/// <c>credential-process</c> shares the server's cache instead of calling CreateSession itself.
/// The socket is 0600: only the server's user can connect, so no token is needed on it.
/// </summary>
public static class LocalServerClient
{
    /// <summary>
    /// Where the key is posted. It goes in the body, compared whole by the server: no hash (whose
    /// cryptography would cost this short-lived process OpenSSL's start-up), and no paths or ARNs in a URL.
    /// </summary>
    public const string RequestPath = "/v1/local/credentials";

    /// <summary>The longest key a server reads (it takes no larger bodies); a longer one is not asked for.</summary>
    public const int MaxKeyBytes = 1024;

    /// <summary>
    /// The server's credentials for <paramref name="key"/> (a source's <see cref="CredentialSourceOptions.CacheKey"/>);
    /// null when no server listens on <paramref name="socketPath"/> or it does not serve that key (then sign directly).
    /// Synchronous: blocking calls with timeouts, because the asynchronous ones would start the thread pool and
    /// the socket engine's thread, a noticeable share of a short-lived credential-process. Cancelling closes the socket.
    /// </summary>
    /// <exception cref="CredentialException">The server serves the key but cannot give credentials now (its reason).</exception>
    public static SessionCredentials? TryGet(string socketPath, string key, CancellationToken cancellationToken)
    {
        var body = Encoding.UTF8.GetBytes(key);
        if (body.Length > MaxKeyBytes || !File.Exists(socketPath))
        {
            return null;
        }

        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified) { SendTimeout = 40_000, ReceiveTimeout = 40_000 };
        using var cancellation = cancellationToken.Register(socket.Dispose);
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(socketPath));
        }
        catch (SocketException)
        {
            // A stale socket file: nobody listens.
            cancellationToken.ThrowIfCancellationRequested();
            return null;
        }

        // One request on a connection the server closes: plain HTTP/1.1 spares this short-lived process
        // the start-up cost of HttpClient, which is most of credential-process's run time.
        var head = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"POST {RequestPath} HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n"));
        using var received = new MemoryStream();
        try
        {
            socket.Send([.. head, .. body]);
            var buffer = new byte[4096];
            int count;
            while ((count = socket.Receive(buffer)) > 0)
            {
                received.Write(buffer, 0, count);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            cancellationToken.ThrowIfCancellationRequested();
            throw new CredentialException(CredentialErrorKind.ServiceUnavailable, $"The server on {socketPath} did not answer: {e.Message}", e);
        }

        return Parse(socketPath, received);
    }

    private static SessionCredentials? Parse(string socketPath, MemoryStream received)
    {
        var response = Encoding.UTF8.GetString(received.GetBuffer(), 0, (int)received.Length);
        var headerEnd = response.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (!response.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) || headerEnd < 0
            || !int.TryParse(response.AsSpan(9, 3), NumberStyles.None, CultureInfo.InvariantCulture, out var status))
        {
            throw new CredentialException(CredentialErrorKind.ServiceUnavailable, $"The server on {socketPath} did not answer in HTTP.");
        }

        if (status == (int)HttpStatusCode.NotFound)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(response.AsMemory(headerEnd + 4));
            var root = document.RootElement;
            if (status != (int)HttpStatusCode.OK)
            {
                var code = root.TryGetProperty("Code", out var c) ? c.GetString() : null;
                var message = root.TryGetProperty("Message", out var m) ? m.GetString() : null;
                throw new CredentialException(
                    Enum.TryParse<CredentialErrorKind>(code, out var kind) ? kind : CredentialErrorKind.ServiceUnavailable,
                    message ?? $"The running server answered HTTP {status}.");
            }

            return new SessionCredentials(
                root.GetProperty("AccessKeyId").GetString()!,
                root.GetProperty("SecretAccessKey").GetString()!,
                root.GetProperty("Token").GetString()!,
                DateTimeOffset.Parse(root.GetProperty("Expiration").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
                root.GetProperty("RoleArn").GetString()!,
                null);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new CredentialException(CredentialErrorKind.ServiceUnavailable, $"The server on {socketPath} answered with something other than credentials.", e);
        }
    }
}
