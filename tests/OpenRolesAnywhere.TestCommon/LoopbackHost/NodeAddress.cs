using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace OpenRolesAnywhere.TestCommon;

/// <summary>
/// This machine's own non-loopback IPv4 address: what a pod would use to reach a node-wide server. Connections to it
/// stay on the machine (no remote host is needed), yet the server sees a non-loopback peer and the client checks a
/// host name (an IP entry of the certificate) other than 127.0.0.1.
/// </summary>
public static class NodeAddress
{
    public static IPAddress Find() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(i => i.OperationalStatus == OperationalStatus.Up && i.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(i => i.GetIPProperties().UnicastAddresses.Select(a => a.Address))
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a) && !a.ToString().StartsWith("169.254.", StringComparison.Ordinal))
        ?? throw new InvalidOperationException("This machine has no non-loopback IPv4 address up: the node-over-TLS tests need one (any interface, even a dummy one: `ip link add d0 type dummy; ip addr add 10.99.0.1/24 dev d0; ip link set d0 up`).");
}
