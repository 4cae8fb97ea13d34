using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.TestCommon;
using OpenRolesAnywhere.TestCommon.Credentials;

namespace OpenRolesAnywhere.Server.Tests;

/// <summary>The container token file is refused unless it is a regular file of ours that only we may read (issue 10, item 2).</summary>
public sealed class TokenFileTests : IDisposable
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private readonly TempDirectory _temp = new();

    private string Root => _temp.Path;

    private string TokenFile => Path.Combine(Root, "server.token");

    [Theory]
    [InlineData("group-readable", "chmod 600")]
    [InlineData("world-readable", "chmod 600")]
    [InlineData("group-writable", "chmod 600")]
    [InlineData("another owner", "chown")]
    [InlineData("symlink", "symbolic link")]
    [InlineData("dangling symlink", "symbolic link")]
    [InlineData("directory", "not a regular file")]
    public async Task Start_TokenFileNotPrivate_RefusesWithAHint(string kind, string hint)
    {
        var target = Path.Combine(Root, "elsewhere.token");
        File.WriteAllText(target, "planted-token-0123456789");
        File.SetUnixFileMode(target, Private);
        switch (kind)
        {
            case "group-readable": Write(Private | UnixFileMode.GroupRead); break;
            case "world-readable": Write(Private | UnixFileMode.OtherRead); break;
            case "group-writable": Write(Private | UnixFileMode.GroupWrite); break;
            case "another owner": Write(Private); Chown(TokenFile, "65534"); break;
            case "symlink": File.CreateSymbolicLink(TokenFile, target); break;
            case "dangling symlink": File.CreateSymbolicLink(TokenFile, Path.Combine(Root, "absent")); break;
            default: Directory.CreateDirectory(TokenFile); break;
        }

        await using var app = CredentialServer.Build(RunningServer.OptionsIn(Root), _ => new CountingCredentialSource(TimeProvider.System));
        var e = await Assert.ThrowsAsync<CredentialException>(() => app.StartAsync());

        Assert.Equal(CredentialErrorKind.InvalidInput, e.Kind);
        Assert.Contains(TokenFile, e.Message, StringComparison.Ordinal);
        Assert.Contains(hint, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("0123456789", e.Message, StringComparison.Ordinal);
        Assert.Equal("planted-token-0123456789", File.ReadAllText(target));
    }

    private void Write(UnixFileMode mode)
    {
        File.WriteAllText(TokenFile, "given-token-0123456789");
        File.SetUnixFileMode(TokenFile, mode);
    }

    internal static void Chown(string path, string owner)
    {
        using var chown = System.Diagnostics.Process.Start("chown", ["-h", owner, path])!;
        chown.WaitForExit();
        Assert.Equal(0, chown.ExitCode);
    }

    public void Dispose() => _temp.Dispose();
}
