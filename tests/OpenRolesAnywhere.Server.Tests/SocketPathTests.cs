using System.Net.Sockets;
using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.TestCommon;
using OpenRolesAnywhere.TestCommon.Credentials;

namespace OpenRolesAnywhere.Server.Tests;

/// <summary>
/// <c>--socket</c> replaces only a stale socket of ours; anything else at the path is left alone and
/// stops the start (issue 10, item 5).
/// </summary>
public sealed class SocketPathTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    private string Root => _temp.Path;

    private string SocketPath => Path.Combine(Root, "server.sock");

    [Theory]
    [InlineData("regular file")]
    [InlineData("empty file")]
    [InlineData("directory")]
    [InlineData("symlink to a stale socket")]
    [InlineData("stale socket of another user")]
    public async Task Start_SocketPathHoldsSomethingElse_RefusesAndLeavesItAlone(string kind)
    {
        var stale = Path.Combine(Root, "stale.sock");
        switch (kind)
        {
            case "regular file": File.WriteAllText(SocketPath, "important"); break;
            case "empty file": File.WriteAllText(SocketPath, ""); break;
            case "directory": Directory.CreateDirectory(SocketPath); break;
            case "symlink to a stale socket": BindAndClose(stale); File.CreateSymbolicLink(SocketPath, stale); break;
            default: BindAndClose(SocketPath); TokenFileTests.Chown(SocketPath, "65534"); break;
        }

        var e = await Assert.ThrowsAsync<CredentialException>(async () =>
        {
            await using var app = CredentialServer.Build(RunningServer.OptionsIn(Root), _ => new CountingCredentialSource(TimeProvider.System));
            await app.StartAsync();
        });

        Assert.Equal(CredentialErrorKind.InvalidInput, e.Kind);
        Assert.Contains(SocketPath, e.Message, StringComparison.Ordinal);
        Assert.Contains("--socket", e.Message, StringComparison.Ordinal);
        Assert.True(Path.Exists(SocketPath) || new FileInfo(SocketPath).LinkTarget is not null, "the path was removed");
        if (kind == "regular file")
        {
            Assert.Equal("important", File.ReadAllText(SocketPath));
        }
        else if (kind.StartsWith("symlink", StringComparison.Ordinal))
        {
            Assert.True(File.Exists(stale));
        }
    }

    /// <summary>A socket file nobody listens on, as a crashed server leaves it (.NET removes a socket's file when it is disposed, so it is renamed first).</summary>
    private static void BindAndClose(string path)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path + ".binding"));
        File.Move(path + ".binding", path);
    }

    public void Dispose() => _temp.Dispose();
}
