using System.Text;
using CsCheck;
using OpenRolesAnywhere.Core.SigV4;
using OpenRolesAnywhere.TestCommon.FakeRolesAnywhere;
using OpenRolesAnywhere.TestCommon.Properties;

namespace OpenRolesAnywhere.Core.Tests.Properties;

/// <summary>
/// SigV4 canonicalization by the rules AWS's test vectors follow: RFC 3986 encoding of each UTF-8 byte,
/// query sorted by encoded name then value, header names lower-cased and sorted, values trimmed with runs of
/// spaces folded. Judged against the separate implementation the fakes verify with.
/// </summary>
public sealed class SigV4PropertiesTests
{
    private static readonly Gen<string> Word = Gen.Frequency(
        (4, Gen.Char['!', '~']), (1, Gen.Char['\u00a0', '\u07ff']), (1, Gen.Char['\u4e00', '\u4e20']), (1, Gen.Const(' ')))
        .Array[0, 12].Select(c => new string(c));

    private static readonly Gen<string> HeaderName = Gen.Char['a', 'z'].Array[1, 10].Select(c => "x-" + new string(c));

    [Fact]
    public void UriEncode_AnyText_KeepsOnlyUnreservedCharactersAndDecodesBack() =>
        Word.Sample(text =>
        {
            var encoded = SigV4Encoding.UriEncode(text);
            return encoded.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~' or '%')
                && !encoded.Where((c, i) => c == '%' && (i + 2 >= encoded.Length || !char.IsAsciiHexDigitUpper(encoded[i + 1]) || !char.IsAsciiHexDigitUpper(encoded[i + 2]))).Any()
                && Uri.UnescapeDataString(encoded) == text;
        }, iter: ParserProperty.Iterations, threads: 1, print: ParserProperty.Escaped);

    [Fact]
    public void CanonicalRequest_AnyPathQueryAndHeaders_EqualsTheIndependentVerifiersCanonicalRequest() =>
        Gen.Select(Word.Where(w => w.Length > 0 && w is not "." and not ".." && !w.Contains('/', StringComparison.Ordinal)).Array[0, 4],
                Gen.Select(Word, Word).Array[0, 5],
                Gen.Select(HeaderName, Word).Array[0, 5],
                Gen.Byte.Array[0, 64])
            .Sample((segments, query, headers, body) =>
            {
                var path = "/" + string.Join('/', segments);
                var request = new SignableRequest("POST", path).SetBody(body);
                foreach (var (name, value) in query)
                {
                    request.AddQuery(name, value);
                }

                var byName = headers.GroupBy(h => h.Item1, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Select(h => h.Item2).ToList(), StringComparer.Ordinal);
                foreach (var (name, value) in headers)
                {
                    // Header names are case-insensitive: the signer must lower-case them itself.
                    request.AddHeader(name.ToUpperInvariant(), value);
                }

                var ours = CanonicalRequest.Create(request, normalizePath: false).Text;
                var rawPath = string.Join('/', path.Split('/').Select(Uri.EscapeDataString));
                var rawQuery = string.Join('&', query.Select(p => Uri.EscapeDataString(p.Item1) + "=" + Uri.EscapeDataString(p.Item2)));
                var theirs = IndependentSigV4.CanonicalRequest("POST", rawPath, rawQuery, byName.Keys.Order(StringComparer.Ordinal).ToList(), n => byName[n], body);
                Assert.Equal(theirs, ours);
            }, iter: ParserProperty.Iterations, threads: 1);

    [Fact]
    public void CanonicalQuery_AnyOrderOfTheSameParameters_IsTheSame() =>
        Gen.Select(Word, Word).Array[0, 8].SelectMany(pairs => Gen.Shuffle(pairs.ToArray()).Select(shuffled => (pairs, shuffled)))
            .Sample(t => CanonicalRequest.CanonicalQuery(t.pairs.Select(p => KeyValuePair.Create(p.Item1, p.Item2)))
                == CanonicalRequest.CanonicalQuery(t.shuffled.Select(p => KeyValuePair.Create(p.Item1, p.Item2))),
                iter: ParserProperty.Iterations, threads: 1);
}
