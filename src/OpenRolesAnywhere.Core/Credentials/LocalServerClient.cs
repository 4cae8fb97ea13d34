using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using OpenRolesAnywhere.Core.RolesAnywhere;

namespace OpenRolesAnywhere.Core.Credentials;

/// <summary>
/// Asks a running <c>serve</c> over its Unix socket for the credentials of one cache key, so
/// <c>credential-process</c> shares the server's cache instead of calling CreateSession itself.
/// The socket is 0600: only the server's user can connect, so no token is needed on it.
/// </summary>
public static class LocalServerClient
{
    /// <summary>The path a server answers one cache key on (hashed: the key holds file paths and ARNs).</summary>
    public static string PathFor(string cacheKey) =>
        "/v1/local/credentials/" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(cacheKey)));

    /// <summary>
    /// The server's credentials for <paramref name="cacheKey"/>; null when no server listens on
    /// <paramref name="socketPath"/> or it does not serve that key (then sign directly).
    /// </summary>
    /// <exception cref="CredentialException">The server serves the key but cannot give credentials now (its reason).</exception>
    public static async Task<SessionCredentials?> TryGetAsync(string socketPath, string cacheKey, CancellationToken cancellationToken)
    {
        if (!File.Exists(socketPath))
        {
            return null;
        }

        using var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, token) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), token);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(40) };
        HttpResponseMessage response;
        try
        {
            response = await http.GetAsync(new Uri("http://localhost" + PathFor(cacheKey)), cancellationToken);
        }
        catch (HttpRequestException)
        {
            // A stale socket file: nobody listens.
            return null;
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return null;
            }

            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (!response.IsSuccessStatusCode)
            {
                var code = root.TryGetProperty("Code", out var c) ? c.GetString() : null;
                var message = root.TryGetProperty("Message", out var m) ? m.GetString() : null;
                throw new CredentialException(
                    Enum.TryParse<CredentialErrorKind>(code, out var kind) ? kind : CredentialErrorKind.ServiceUnavailable,
                    message ?? $"The running server answered HTTP {(int)response.StatusCode}.");
            }

            return new SessionCredentials(
                root.GetProperty("AccessKeyId").GetString()!,
                root.GetProperty("SecretAccessKey").GetString()!,
                root.GetProperty("Token").GetString()!,
                DateTimeOffset.Parse(root.GetProperty("Expiration").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
                root.GetProperty("RoleArn").GetString()!,
                null);
        }
    }
}
