using System.Net.Sockets;
using System.Text;
using OpenRolesAnywhere.TestCommon;
using OpenRolesAnywhere.TestCommon.Credentials;

namespace OpenRolesAnywhere.Server.Tests;

[Collection(ProcessEnvironment.Name)]
public sealed class SystemdNotifyTests
{
    [Fact]
    public async Task Start_WithNotifySocket_SendsReadyThenStopping()
    {
        using var temp = new TempDirectory();
        var directory = temp.Path;
        var notifyPath = Path.Combine(directory, "notify");
        using var notify = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        notify.Bind(new UnixDomainSocketEndPoint(notifyPath));
        Environment.SetEnvironmentVariable("NOTIFY_SOCKET", notifyPath);
        try
        {
            await using var app = CredentialServer.Build(RunningServer.OptionsIn(directory), _ => new CountingCredentialSource(TimeProvider.System));
            await app.StartAsync();
            Assert.Equal("READY=1", await ReceiveAsync(notify));

            await app.StopAsync();
            Assert.Equal("STOPPING=1", await ReceiveAsync(notify));
        }
        finally
        {
            Environment.SetEnvironmentVariable("NOTIFY_SOCKET", null);
        }
    }

    private static async Task<string> ReceiveAsync(Socket socket)
    {
        var buffer = new byte[256];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var count = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
        return Encoding.ASCII.GetString(buffer, 0, count);
    }
}
