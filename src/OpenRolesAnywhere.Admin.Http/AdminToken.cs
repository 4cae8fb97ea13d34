using System.Security.Cryptography;
using System.Text;
using OpenRolesAnywhere.Core;

namespace OpenRolesAnywhere.Admin.Http;

/// <summary>
/// The bearer token that guards the admin routes, read from a file only its owner may read (0600), so
/// the token never appears on a command line or in the environment.
/// </summary>
public sealed class AdminToken
{
    private const int MinimumLength = 32;
    private readonly byte[] _token;

    private AdminToken(byte[] token)
    {
        _token = token;
    }

    public static AdminToken FromFile(string path)
    {
        if (!File.Exists(path))
        {
            throw new CredentialException(CredentialErrorKind.InvalidInput,
                $"The admin token file {path} does not exist: write a random token into it (for example `openssl rand -hex 32 > {path}; chmod 600 {path}`).");
        }

        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & (UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite)) != 0)
        {
            throw new CredentialException(CredentialErrorKind.InvalidInput, $"The admin token file {path} may be read by others: run `chmod 600 {path}`.");
        }

        var token = File.ReadAllText(path).Trim();
        if (token.Length < MinimumLength || token.Any(char.IsWhiteSpace))
        {
            throw new CredentialException(CredentialErrorKind.InvalidInput,
                $"The admin token in {path} must be one word of at least {MinimumLength} characters (for example `openssl rand -hex 32`).");
        }

        return new AdminToken(Encoding.UTF8.GetBytes(token));
    }

    /// <summary>Whether <c>Authorization: Bearer ...</c> carries the token; constant time in the token's content.</summary>
    public bool Accepts(string? authorization)
    {
        const string scheme = "Bearer ";
        if (authorization is null || !authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) || authorization.Length > 1024)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(authorization[scheme.Length..].Trim()), _token);
    }
}
