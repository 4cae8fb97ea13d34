using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.Signers.Pkcs11.Pins;
using OpenRolesAnywhere.Signers.Pkcs11.Uris;

namespace OpenRolesAnywhere.Signers.Pkcs11.Tests.Pins;

/// <summary>A <c>pin-source</c> file is held to the same rule as the server's token files: ours, 0600, not a link (issue 10, item 2).</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class Pkcs11PinResolverTests : IDisposable
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private readonly string _directory = Directory.CreateTempSubdirectory("ora-pin-").FullName;

    private string PinFile => Path.Combine(_directory, "pin");

    [Fact]
    public void Resolve_PrivatePinFile_AnswersThePinWithoutTheNewline()
    {
        File.WriteAllText(PinFile, "123456\n");
        File.SetUnixFileMode(PinFile, Private);

        Assert.Equal("123456", Resolver().Resolve("the token"));
    }

    [Theory]
    [InlineData("world-readable", "chmod 600")]
    [InlineData("group-readable", "chmod 600")]
    [InlineData("symlink", "symbolic link")]
    [InlineData("dangling symlink", "symbolic link")]
    public void Resolve_PinFileNotPrivate_RefusesWithAHint(string kind, string hint)
    {
        var target = Path.Combine(_directory, "target");
        File.WriteAllText(target, "123456");
        File.SetUnixFileMode(target, Private);
        switch (kind)
        {
            case "world-readable": Write(Private | UnixFileMode.OtherRead); break;
            case "group-readable": Write(Private | UnixFileMode.GroupRead); break;
            case "symlink": File.CreateSymbolicLink(PinFile, target); break;
            default: File.CreateSymbolicLink(PinFile, Path.Combine(_directory, "absent")); break;
        }

        var e = Assert.Throws<CredentialException>(() => Resolver().Resolve("the token"));

        Assert.Equal(CredentialErrorKind.InvalidInput, e.Kind);
        Assert.Contains(PinFile, e.Message, StringComparison.Ordinal);
        Assert.Contains(hint, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("123456", e.Message, StringComparison.Ordinal);
    }

    private Pkcs11PinResolver Resolver() =>
        new(Pkcs11Uri.Parse($"pkcs11:token=t;object=k?pin-source=file:{PinFile}"), null, _ => null, null);

    private void Write(UnixFileMode mode)
    {
        File.WriteAllText(PinFile, "123456");
        File.SetUnixFileMode(PinFile, mode);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
