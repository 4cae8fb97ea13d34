using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Win32.SafeHandles;
using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.Core.Configuration;

namespace OpenRolesAnywhere.Server.Hosting;

/// <summary>
/// The <c>--socket</c> listener, whose 0600 mode is all that keeps other users from the credentials: it is
/// 0600 from its first instant under any umask, never set so after the start. At the path, only a stale
/// socket of ours is ever replaced.
/// </summary>
internal static class UnixSocketListener
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Checks the path before Kestrel binds: a missing directory is made 0700, a stale socket of ours removed.</summary>
    /// <exception cref="CredentialException">Something else is at the path, or a server answers on it.</exception>
    public static void Prepare(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (!Directory.Exists(directory) && !OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory, OwnerOnly | UnixFileMode.UserExecute);
        }

        if (!Path.Exists(path) && new FileInfo(path).LinkTarget is null)
        {
            return;
        }

        if (!PrivateFile.IsOwnSocket(path))
        {
            throw new CredentialException(CredentialErrorKind.InvalidInput,
                $"{path} exists and is not a socket of this user's; serve replaces only its own stale socket. Give another --socket, or remove {path} if nothing needs it.");
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

    /// <summary>For <see cref="SocketTransportOptions.CreateBoundListenSocket"/>: Unix sockets bound privately, others as Kestrel would.</summary>
    public static Socket CreateBoundListenSocket(EndPoint endpoint) =>
        endpoint is UnixDomainSocketEndPoint unix && !OperatingSystem.IsWindows()
            ? BindPrivately(unix.ToString())
            : SocketTransportOptions.CreateDefaultBoundListenSocket(endpoint);

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static Socket BindPrivately(string path)
    {
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            // Linux gives a socket's file the mode of the socket itself less the umask: set 0600 on the socket
            // first and its file is 0600 from the instant it exists, under any umask. (Binding in a private
            // directory and renaming would leave Kestrel and its logs showing the temporary path.)
            using (var handle = new SafeFileHandle(listener.Handle, ownsHandle: false))
            {
                File.SetUnixFileMode(handle, OwnerOnly);
            }

            // Fails rather than replace whatever appeared at the path since Prepare.
            listener.Bind(new UnixDomainSocketEndPoint(path));
            return listener;
        }
        catch
        {
            listener.Dispose();
            throw;
        }
    }
}
