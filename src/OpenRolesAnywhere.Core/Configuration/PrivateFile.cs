using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace OpenRolesAnywhere.Core.Configuration;

/// <summary>
/// Reads files that hold secrets others must not know or choose (the server's token, an admin token, a
/// PKCS#11 PIN): only a regular file that belongs to this process's user and that nobody else may read or
/// write. A symbolic link is refused even to a good file: whoever may change the link chooses the secret.
/// The file is checked without following links, then opened and checked again, so a swap in between is seen.
/// </summary>
public static partial class PrivateFile
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxTypeModeUidIno = 0x1 | 0x2 | 0x8 | 0x100;
    private const int FileTypeMask = 0xF000;
    private const int RegularFile = 0x8000;
    private const int SymbolicLink = 0xA000;
    private const int OthersMask = 0x3F;
    private const int NoSuchFile = 2;

    /// <param name="path">The file.</param>
    /// <param name="what">How messages name it ("The token file").</param>
    /// <returns>The file's text, or null when nothing (not even a dangling link) is at <paramref name="path"/>.</returns>
    /// <exception cref="CredentialException">The file is not private or cannot be read; the message says what to run.</exception>
    public static string? TryReadAllText(string path, string what)
    {
        if (OperatingSystem.IsWindows())
        {
            return File.Exists(path) ? File.ReadAllText(path) : null;
        }

        if (!TryStat(AtFdCwd, path, AtSymlinkNoFollow, out var before))
        {
            return null;
        }

        Check(before, path, what);
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var descriptor = (int)stream.SafeFileHandle.DangerousGetHandle();
            if (!TryStat(descriptor, string.Empty, AtEmptyPath, out var opened) || opened.Inode != before.Inode || opened.DeviceMajor != before.DeviceMajor || opened.DeviceMinor != before.DeviceMinor)
            {
                throw new CredentialException(CredentialErrorKind.InvalidInput, $"{what} {path} was replaced while it was read; try again, and make sure only you can change its directory.");
            }

            Check(opened, path, what);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            return reader.ReadToEnd();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CredentialException(CredentialErrorKind.InvalidInput, $"{what} {path} cannot be read: {e.Message}", e);
        }
    }

    /// <summary>Whether <paramref name="path"/> itself (not a link's target) is a Unix socket that belongs to this user.</summary>
    public static bool IsOwnSocket(string path)
    {
        const int Socket = 0xC000;
        return !OperatingSystem.IsWindows() && TryStat(AtFdCwd, path, AtSymlinkNoFollow, out var status)
            && (status.Mode & FileTypeMask) == Socket && status.Uid == EffectiveUserId();
    }

    private static void Check(in Statx status, string path, string what)
    {
        var type = status.Mode & FileTypeMask;
        var problem =
            type == SymbolicLink ? $"is a symbolic link: give the path of the file itself (a regular file of yours, `chmod 600 {path}`)."
            : type != RegularFile ? $"is not a regular file: give a file that holds only the secret, `chmod 600 {path}`."
            : status.Uid != EffectiveUserId() ? $"belongs to user {status.Uid.ToString(CultureInfo.InvariantCulture)}, not to this user ({EffectiveUserId().ToString(CultureInfo.InvariantCulture)}), who could choose or read it: `chown` it to this user and `chmod 600 {path}`."
            : (status.Mode & OthersMask) != 0 ? $"may be read or changed by others (mode {Convert.ToString(status.Mode & 0x1FF, 8)}): run `chmod 600 {path}`."
            : null;
        if (problem is not null)
        {
            throw new CredentialException(CredentialErrorKind.InvalidInput, $"{what} {path} {problem}");
        }
    }

    private static bool TryStat(int directory, string path, int flags, out Statx status)
    {
        if (NativeStatx(directory, path, flags, StatxTypeModeUidIno, out status) == 0)
        {
            return true;
        }

        var error = Marshal.GetLastPInvokeError();
        return error == NoSuchFile ? false
            : throw new CredentialException(CredentialErrorKind.InvalidInput, $"Cannot look at {path}: {Marshal.GetPInvokeErrorMessage(error)}.");
    }

    private static uint EffectiveUserId() => NativeGetEffectiveUserId();

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int NativeStatx(int directory, string path, int flags, uint mask, out Statx status);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint NativeGetEffectiveUserId();

    /// <summary>The fields used of Linux's <c>struct statx</c> (256 bytes, the same layout on every architecture).</summary>
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    private struct Statx
    {
        [FieldOffset(20)]
        public uint Uid;

        [FieldOffset(28)]
        public ushort Mode;

        [FieldOffset(32)]
        public ulong Inode;

        [FieldOffset(136)]
        public uint DeviceMajor;

        [FieldOffset(140)]
        public uint DeviceMinor;
    }
}
