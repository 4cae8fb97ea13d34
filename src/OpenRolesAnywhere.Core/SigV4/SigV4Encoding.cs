using System.Security.Cryptography;
using System.Text;

namespace OpenRolesAnywhere.Core.SigV4;

/// <summary>The encodings SigV4 prescribes: RFC 3986 percent-encoding and lowercase hex.</summary>
public static class SigV4Encoding
{
    public const string EmptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    /// <summary>Percent-encodes every byte except the RFC 3986 unreserved set (and '/' when asked).</summary>
    public static string UriEncode(string value, bool keepSlash = false)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~' || (keepSlash && c == '/'))
            {
                builder.Append(c);
            }
            else
            {
                builder.Append('%').Append(Convert.ToHexString([b]));
            }
        }

        return builder.ToString();
    }

    public static string HexSha256(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(SHA256.HashData(data));

    public static string HexSha256(string data) => HexSha256(Encoding.UTF8.GetBytes(data));
}
