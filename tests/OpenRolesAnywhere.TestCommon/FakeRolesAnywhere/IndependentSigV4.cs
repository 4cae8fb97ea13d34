using System.Security.Cryptography;
using System.Text;

namespace OpenRolesAnywhere.TestCommon.FakeRolesAnywhere;

/// <summary>
/// A second, deliberately separate implementation of the SigV4 canonical request, as a verifier on
/// the service side would build it from what arrived on the wire. It shares no code with the product,
/// so a bug in the product's canonicalization cannot also hide in the check.
/// </summary>
public static class IndependentSigV4
{
    public static string CanonicalRequest(string method, string rawPath, string rawQuery,
        IReadOnlyList<string> signedHeaders, Func<string, IReadOnlyList<string>> headerValues, byte[] body)
    {
        var lines = new List<string> { method, EncodePath(Uri.UnescapeDataString(rawPath)), CanonicalQuery(rawQuery) };
        foreach (var name in signedHeaders)
        {
            var values = headerValues(name).Select(v => string.Join(' ', v.Trim().Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries)));
            lines.Add($"{name}:{string.Join(',', values)}");
        }

        lines.Add("");
        lines.Add(string.Join(';', signedHeaders));
        lines.Add(Convert.ToHexStringLower(SHA256.HashData(body)));
        return string.Join('\n', lines);
    }

    private static string CanonicalQuery(string rawQuery)
    {
        var query = rawQuery.TrimStart('?');
        if (query.Length == 0)
        {
            return "";
        }

        return string.Join('&', query.Split('&')
            .Select(pair => pair.Split('=', 2))
            .Select(kv => (Key: Encode(Uri.UnescapeDataString(kv[0])), Value: Encode(Uri.UnescapeDataString(kv.Length > 1 ? kv[1] : ""))))
            .OrderBy(kv => kv.Key, StringComparer.Ordinal).ThenBy(kv => kv.Value, StringComparer.Ordinal)
            .Select(kv => kv.Key + "=" + kv.Value));
    }

    private static string EncodePath(string path) => string.Join('/', path.Split('/').Select(Encode));

    // RFC 3986 unreserved characters stay; every other UTF-8 byte is %XX, upper-case.
    private static string Encode(string value) => string.Concat(Encoding.UTF8.GetBytes(value).Select(b =>
        (b is >= (byte)'A' and <= (byte)'Z') || (b is >= (byte)'a' and <= (byte)'z') || (b is >= (byte)'0' and <= (byte)'9') || b is (byte)'-' or (byte)'_' or (byte)'.' or (byte)'~'
            ? ((char)b).ToString()
            : $"%{b:X2}"));
}
