using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.Core.Configuration;
using OpenRolesAnywhere.Server.Logging;

namespace OpenRolesAnywhere.Server.Security;

/// <summary>
/// The token container-credential clients send as <c>Authorization</c>. Read from the token file if it
/// exists (only a regular file of ours that nobody else may read: <see cref="PrivateFile"/>), else generated
/// (256 random bits, base64url) and written 0600 without a trailing newline, which SDKs would send along and
/// then reject. The file is watched: a rotated token takes effect without a restart.
/// </summary>
internal sealed class ServerToken : IDisposable
{
    private const int MaximumLength = 512;
    private const string What = "The token file";
    private readonly ILogger _logger;
    private readonly FileSystemWatcher? _watcher;
    private byte[] _token;

    public ServerToken(string path, ILogger logger)
    {
        Path = System.IO.Path.GetFullPath(path);
        _logger = logger;
        if (PrivateFile.TryReadAllText(Path, What) is { } text)
        {
            _token = Parse(Path, text);
        }
        else
        {
            var generated = Base64Url(RandomNumberGenerator.GetBytes(32));
            SecretFile.WriteAtomically(Path, generated);
            _token = Encoding.ASCII.GetBytes(generated);
            Log.TokenGenerated(_logger, Path);
        }

        _watcher = new FileSystemWatcher(System.IO.Path.GetDirectoryName(Path)!, System.IO.Path.GetFileName(Path))
        {
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size | NotifyFilters.CreationTime,
        };
        _watcher.Changed += (_, _) => Reload();
        _watcher.Created += (_, _) => Reload();
        _watcher.Renamed += (_, _) => Reload();
        _watcher.EnableRaisingEvents = true;
    }

    public string Path { get; }

    /// <summary>Constant-time comparison (only the length can be learnt by timing).</summary>
    public bool Matches(string presented)
    {
        if (presented.Length > MaximumLength)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[Encoding.UTF8.GetMaxByteCount(presented.Length)];
        var count = Encoding.UTF8.GetBytes(presented, bytes);
        return CryptographicOperations.FixedTimeEquals(bytes[..count], Volatile.Read(ref _token));
    }

    private void Reload()
    {
        try
        {
            if (PrivateFile.TryReadAllText(Path, What) is { } text)
            {
                Volatile.Write(ref _token, Parse(Path, text));
                Log.TokenReloaded(_logger, Path);
            }
        }
        catch (Exception e) when (e is CredentialException or IOException or UnauthorizedAccessException)
        {
            Log.TokenReloadFailed(_logger, Path, e.Message);
        }
    }

    private static byte[] Parse(string path, string text)
    {
        if (text.Length == 0 || text.Length > MaximumLength)
        {
            throw new CredentialException(CredentialErrorKind.InvalidInput,
                $"The token file {path} must hold 1 to {MaximumLength} characters; delete it to have a new token generated.");
        }

        if (text.Contains('\n', StringComparison.Ordinal) || text.Contains('\r', StringComparison.Ordinal))
        {
            throw new CredentialException(CredentialErrorKind.InvalidInput,
                $"The token file {path} holds a line break (a trailing newline?). SDKs send the file as it is and reject CR/LF: write it with printf, not echo, or delete it to have one generated.");
        }

        if (text.Any(c => c <= ' ' || c > '~'))
        {
            throw new CredentialException(CredentialErrorKind.InvalidInput,
                $"The token file {path} holds spaces or characters outside printable ASCII, which HTTP headers cannot carry reliably.");
        }

        return Encoding.ASCII.GetBytes(text);
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public void Dispose() => _watcher?.Dispose();
}
