using System.Security.Cryptography;
using System.Text;

namespace OpenRolesAnywhere.Signers.Pkcs11.Pins;

/// <summary>
/// PINs a token refused, so the process never offers the same wrong PIN to the same token twice: cards lock
/// after a few failures, and a server retrying each request would lock one within a minute. Only keyed hashes
/// are kept (the key lives and dies with the process).
/// </summary>
internal static class RejectedPins
{
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);
    private static readonly HashSet<string> Rejected = new(StringComparer.Ordinal);
    private static readonly Lock RejectedLock = new();

    public static void Remember(string token, string pin)
    {
        lock (RejectedLock)
        {
            Rejected.Add(Fingerprint(token, pin));
        }
    }

    public static bool WasRejected(string token, string pin)
    {
        lock (RejectedLock)
        {
            return Rejected.Contains(Fingerprint(token, pin));
        }
    }

    private static string Fingerprint(string token, string pin) =>
        Convert.ToHexString(HMACSHA256.HashData(Key, Encoding.UTF8.GetBytes(token + "\0" + pin)));
}
