using System.Security.Cryptography;
using System.Text;
using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.Core.Configuration;

namespace OpenRolesAnywhere.Admin.Http;

/// <summary>
/// The bearer token that guards the admin routes, read from a private file (<see cref="PrivateFile"/>: ours,
/// 0600, not a link), so the token never appears on a command line or in the environment.
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
        var token = PrivateFile.TryReadAllText(path, "The admin token file")?.Trim() ?? throw new CredentialException(CredentialErrorKind.InvalidInput,
            $"The admin token file {path} does not exist: write a random token into it (for example `openssl rand -hex 32 > {path}; chmod 600 {path}`).");
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
