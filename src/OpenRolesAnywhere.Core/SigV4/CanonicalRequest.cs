using System.Text;

namespace OpenRolesAnywhere.Core.SigV4;

/// <summary>
/// The SigV4 canonical request, built once and shared by the HMAC and X.509 signers:
/// method, encoded path, sorted encoded query, sorted lowercase headers, signed-header list, payload hash.
/// </summary>
public sealed class CanonicalRequest
{
    private CanonicalRequest(string text, string signedHeaders)
    {
        Text = text;
        SignedHeaders = signedHeaders;
    }

    public string Text { get; }

    /// <summary>The lowercase header names joined with ';', as they go into the Authorization header.</summary>
    public string SignedHeaders { get; }

    public string Hash => SigV4Encoding.HexSha256(Text);

    public static CanonicalRequest Create(SignableRequest request, bool normalizePath = true)
    {
        var headers = CanonicalHeaders(request.Headers);
        var signedHeaders = string.Join(';', headers.Keys);
        var text = new StringBuilder()
            .Append(request.Method).Append('\n')
            .Append(CanonicalPath(request.Path, normalizePath)).Append('\n')
            .Append(CanonicalQuery(request.Query)).Append('\n');
        foreach (var (name, value) in headers)
        {
            text.Append(name).Append(':').Append(value).Append('\n');
        }

        text.Append('\n').Append(signedHeaders).Append('\n').Append(request.PayloadHash);
        return new CanonicalRequest(text.ToString(), signedHeaders);
    }

    public static string CanonicalQuery(IEnumerable<KeyValuePair<string, string>> query) =>
        string.Join('&', query
            .Select(p => (Key: SigV4Encoding.UriEncode(p.Key), Value: SigV4Encoding.UriEncode(p.Value)))
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .ThenBy(p => p.Value, StringComparer.Ordinal)
            .Select(p => $"{p.Key}={p.Value}"));

    private static SortedDictionary<string, string> CanonicalHeaders(IEnumerable<KeyValuePair<string, string>> headers)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in headers)
        {
            var key = name.Trim().ToLowerInvariant();
            var folded = FoldValue(value);
            // Repeated headers are joined with commas in the order they were given.
            result[key] = result.TryGetValue(key, out var existing) ? $"{existing},{folded}" : folded;
        }

        return result;
    }

    /// <summary>Trims the value, and folds line breaks and runs of spaces into one space.</summary>
    private static string FoldValue(string value)
    {
        var builder = new StringBuilder(value.Length);
        var pendingSpace = false;
        foreach (var c in value.Trim())
        {
            if (c is ' ' or '\t' or '\r' or '\n')
            {
                pendingSpace = true;
                continue;
            }

            if (pendingSpace)
            {
                builder.Append(' ');
                pendingSpace = false;
            }

            builder.Append(c);
        }

        return builder.ToString();
    }

    private static string CanonicalPath(string path, bool normalize)
    {
        if (path.Length == 0)
        {
            return "/";
        }

        return SigV4Encoding.UriEncode(normalize ? NormalizePath(path) : path, keepSlash: true);
    }

    /// <summary>RFC 3986 dot-segment removal plus collapsing of empty segments; a trailing slash is kept.</summary>
    private static string NormalizePath(string path)
    {
        var segments = new List<string>();
        foreach (var segment in path.Split('/'))
        {
            if (segment is "" or ".")
            {
                continue;
            }

            if (segment == "..")
            {
                if (segments.Count > 0)
                {
                    segments.RemoveAt(segments.Count - 1);
                }

                continue;
            }

            segments.Add(segment);
        }

        var trailingSlash = segments.Count > 0 && (path.EndsWith('/') || path.EndsWith("/.", StringComparison.Ordinal));
        return "/" + string.Join('/', segments) + (trailingSlash ? "/" : "");
    }
}
