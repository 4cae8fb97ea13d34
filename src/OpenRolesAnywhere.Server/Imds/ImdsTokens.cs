using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;

namespace OpenRolesAnywhere.Server.Imds;

/// <summary>
/// IMDSv2 session tokens, stateless: the expiry and an HMAC of it under a key made at start. Nothing is
/// stored per token, so clients that ask for a token before every GET (the .NET SDK) cost no memory.
/// </summary>
internal sealed class ImdsTokens(TimeProvider time)
{
    public const int MaximumTtlSeconds = 21600;
    private const int MacLength = 25;
    private static readonly SearchValues<char> UrlAlphabet = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

    public string Issue(int ttlSeconds)
    {
        Span<byte> token = stackalloc byte[8 + MacLength];
        BinaryPrimitives.WriteInt64BigEndian(token, time.GetUtcNow().ToUnixTimeSeconds() + ttlSeconds);
        Mac(token[..8], token[8..]);
        return Convert.ToBase64String(token).Replace('+', '-').Replace('/', '_');
    }

    public bool IsValid(string? token)
    {
        // One encoding only: 33 bytes fill 44 base64url characters exactly, so with the alphabet checked no
        // other string (standard alphabet, padding, whitespace) decodes to a valid token.
        if (token is not { Length: 44 } || token.AsSpan().ContainsAnyExcept(UrlAlphabet))
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[8 + MacLength];
        if (!Convert.TryFromBase64String(token.Replace('-', '+').Replace('_', '/'), bytes, out var written) || written != bytes.Length)
        {
            return false;
        }

        Span<byte> expected = stackalloc byte[MacLength];
        Mac(bytes[..8], expected);
        return CryptographicOperations.FixedTimeEquals(expected, bytes[8..])
            && BinaryPrimitives.ReadInt64BigEndian(bytes) > time.GetUtcNow().ToUnixTimeSeconds();
    }

    private void Mac(ReadOnlySpan<byte> expiry, Span<byte> destination)
    {
        Span<byte> full = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(_key, expiry, full);
        full[..MacLength].CopyTo(destination);
    }
}
