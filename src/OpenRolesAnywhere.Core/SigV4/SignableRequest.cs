namespace OpenRolesAnywhere.Core.SigV4;

/// <summary>
/// An HTTP request as SigV4 sees it. Query values are held decoded; the canonicalizer encodes them.
/// Every header held here is signed, so callers add only the headers they mean to sign.
/// </summary>
public sealed class SignableRequest
{
    public SignableRequest(string method, string path)
    {
        Method = method;
        Path = path;
    }

    public string Method { get; }

    /// <summary>The path as sent, not yet URI-encoded (for example <c>/sessions</c>).</summary>
    public string Path { get; }

    public List<KeyValuePair<string, string>> Query { get; } = [];

    public List<KeyValuePair<string, string>> Headers { get; } = [];

    /// <summary>Lowercase hex SHA-256 of the body.</summary>
    public string PayloadHash { get; set; } = SigV4Encoding.EmptyPayloadHash;

    public SignableRequest AddQuery(string name, string value)
    {
        Query.Add(new(name, value));
        return this;
    }

    public SignableRequest AddHeader(string name, string value)
    {
        Headers.Add(new(name, value));
        return this;
    }

    public SignableRequest SetBody(ReadOnlySpan<byte> body)
    {
        PayloadHash = SigV4Encoding.HexSha256(body);
        return this;
    }
}
