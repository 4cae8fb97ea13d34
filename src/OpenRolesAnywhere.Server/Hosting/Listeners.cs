using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using OpenRolesAnywhere.Core;

namespace OpenRolesAnywhere.Server.Hosting;

/// <summary>Kestrel's sockets: the <c>--listen</c> addresses or systemd's, the Unix socket, and request limits.</summary>
internal static class Listeners
{
    /// <summary>Headers are small and bodies absent in every credential protocol served here; larger requests are refused early (a side listener has its own limit).</summary>
    public const long MaximumBodyBytes = 1024;

    public static IReadOnlyList<ListenAddress> Parse(ServeOptions options)
    {
        if (options.Listen.Count == 0)
        {
            throw new CredentialException(CredentialErrorKind.InvalidInput, "Give at least one --listen address, such as http://127.0.0.1:9911.");
        }

        var addresses = options.Listen.Select(url => ListenAddress.Parse(url)).ToList();
        if (!options.AllowRemote && addresses.FirstOrDefault(a => !a.IsLoopback) is { } remote)
        {
            throw new CredentialException(CredentialErrorKind.InvalidInput,
                $"--listen '{remote.Url}' is reachable from other machines. Add --allow-remote if that is meant: remote peers then always need the token and get no IMDS.");
        }

        return addresses;
    }

    /// <summary>Whether systemd passed listening sockets to this very process (<c>LISTEN_PID</c>, <c>LISTEN_FDS</c>).</summary>
    public static int SystemdSocketCount() =>
        Environment.GetEnvironmentVariable("LISTEN_PID") == Environment.ProcessId.ToString(CultureInfo.InvariantCulture)
        && int.TryParse(Environment.GetEnvironmentVariable("LISTEN_FDS"), NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            ? count
            : 0;

    /// <param name="kestrel">The server to configure.</param>
    /// <param name="options">The flags.</param>
    /// <param name="addresses">The credential listeners (unless systemd passed sockets).</param>
    /// <param name="side">The side listener (admin routes), if any; always bound here, never taken from systemd.</param>
    public static void Configure(KestrelServerOptions kestrel, ServeOptions options, IReadOnlyList<ListenAddress> addresses, ISideListener? side)
    {
        kestrel.AddServerHeader = false;
        kestrel.Limits.MaxRequestBodySize = MaximumBodyBytes;
        kestrel.Limits.MaxRequestHeadersTotalSize = 16 * 1024;
        kestrel.Limits.MaxRequestHeaderCount = 64;
        kestrel.Limits.MaxRequestLineSize = 4 * 1024;
        kestrel.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(5);

        if (SystemdSocketCount() > 0)
        {
            kestrel.UseSystemd();
        }
        else
        {
            foreach (var address in addresses)
            {
                Listen(kestrel, address);
            }
        }

        if (side is not null)
        {
            SideListeners.Listen(kestrel, side);
        }

        if (options.UnixSocket is { } socket)
        {
            PrepareUnixSocket(socket);
            kestrel.ListenUnixSocket(socket);
        }
    }

    public static void Listen(KestrelServerOptions kestrel, ListenAddress address, Action<ListenOptions>? configure = null)
    {
        configure ??= _ => { };
        if (address.IsLocalhost)
        {
            kestrel.ListenLocalhost(address.Port, configure);
        }
        else if (address.IsAny)
        {
            kestrel.ListenAnyIP(address.Port, configure);
        }
        else
        {
            kestrel.Listen(address.Address!, address.Port, configure);
        }
    }

    /// <summary>Made in a 0700 directory, so nobody else can reach it before it is set to 0600 at start.</summary>
    private static void PrepareUnixSocket(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (!Directory.Exists(directory) && !OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        if (!File.Exists(path))
        {
            return;
        }

        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            probe.Connect(new UnixDomainSocketEndPoint(path));
        }
        catch (SocketException)
        {
            // Left behind by a server that died: nobody answers on it.
            File.Delete(path);
            return;
        }

        throw new CredentialException(CredentialErrorKind.InvalidInput,
            $"Another server already listens on {path}. Stop it, or give this one another --socket.");
    }

    public static void SecureUnixSocket(string path)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    public static bool IsLoopback(IPAddress address) =>
        IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);
}
