using System.Text;

namespace OpenRolesAnywhere.Core.Configuration;

/// <summary>
/// Writes files that hold secrets: mode 0600 from the first byte (never world-readable for a moment),
/// written beside the target and renamed over it, so a reader sees the old file or the new, never half.
/// </summary>
public static class SecretFile
{
    public static void WriteAtomically(string path, string content) => WriteAtomically(path, Encoding.UTF8.GetBytes(content));

    public static void WriteAtomically(string path, ReadOnlySpan<byte> content)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }
}
