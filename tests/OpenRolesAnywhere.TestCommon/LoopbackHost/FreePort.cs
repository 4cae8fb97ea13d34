using System.Net;
using System.Net.Sockets;

namespace OpenRolesAnywhere.TestCommon.LoopbackHost;

/// <summary>
/// Loopback ports free at the time of asking, for programs that must be told a port (systemd socket
/// activation, swtpm, a port known to be closed). Servers we start ourselves listen on port 0 instead.
/// </summary>
public static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A port whose next one is free too (swtpm's server and control ports).</summary>
    public static int Pair()
    {
        for (var attempt = 0; ; attempt++)
        {
            using var first = new TcpListener(IPAddress.Loopback, 0);
            first.Start();
            var port = ((IPEndPoint)first.LocalEndpoint).Port;
            try
            {
                using var second = new TcpListener(IPAddress.Loopback, port + 1);
                second.Start();
                return port;
            }
            catch (SocketException) when (attempt < 20)
            {
                // port + 1 is taken: try another pair.
            }
        }
    }
}
