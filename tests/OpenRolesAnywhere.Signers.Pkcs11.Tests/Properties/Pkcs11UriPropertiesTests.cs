using System.Text;
using CsCheck;
using OpenRolesAnywhere.Signers.Pkcs11.Uris;
using OpenRolesAnywhere.TestCommon.Properties;

namespace OpenRolesAnywhere.Signers.Pkcs11.Tests.Properties;

/// <summary>RFC 7512 URIs from flags and config files: a value or a CredentialException, and never a PIN in a message.</summary>
public sealed class Pkcs11UriPropertiesTests
{
    private static readonly string[] Names =
    [
        "token", "manufacturer", "serial", "model", "library-manufacturer", "library-description", "library-version", "object", "type",
        "id", "slot-description", "slot-manufacturer", "slot-id", "pin-source", "module-name", "module-path", "x-vendor", "TOKEN", "",
    ];

    private static readonly Gen<string> RawValue = Gen.Frequency(
        (4, ParserProperty.Text(16)),
        (2, Gen.Byte.Array[0, 6].Select(Hex)),
        (1, Pick("%", "%4", "%zz", "%C3", "%C3%28", "1.2", "cert", "private", "18446744073709551616")));

    private static readonly Gen<string> Uri = Gen.Select(
        Gen.Select(Gen.Int[0, Names.Length - 1], RawValue, (n, v) => Names[n] + "=" + v).Array[0, 5],
        Gen.Select(Gen.Int[0, Names.Length - 1], RawValue, (n, v) => Names[n] + "=" + v).Array[0, 3],
        Gen.Int[0, 3],
        (path, query, shape) => "pkcs11:" + string.Join(shape == 3 ? "&" : ";", path) + (shape >= 1 && query.Length > 0 ? "?" + string.Join('&', query) : "") + (shape == 2 ? "#x" : ""));

    [Fact]
    public void Parse_AnyText_GivesAUriOrACredentialException() =>
        ParserProperty.Holds(Gen.Frequency((5, Uri), (1, ParserProperty.Text().Select(t => "pkcs11:" + t)), (1, ParserProperty.Text())), text =>
        {
            var uri = Pkcs11Uri.Parse(text);
            _ = (uri.ToString(), uri.Token, uri.Id, uri.SlotId, uri.Type, uri.LibraryVersion, uri.PinSource);
        }, ParserProperty.Escaped);

    [Fact]
    public void Parse_UriWithAPin_NeverPutsThePinInAMessage() =>
        Gen.Select(Uri, Gen.Char['a', 'z'].Array[8, 12], Pick("", ";", "&", "%", "%zz", "="), Gen.Bool).Sample((uri, letters, special, inPath) =>
        {
            var secret = "Pin" + new string(letters);
            var pin = "pin-value=" + secret + special + secret;
            var text = inPath ? uri.Replace("pkcs11:", "pkcs11:" + pin + ";", StringComparison.Ordinal) : uri + (uri.Contains('?', StringComparison.Ordinal) ? "&" : "?") + pin;
            try
            {
                Assert.DoesNotContain(secret, Pkcs11Uri.Parse(text).ToString(), StringComparison.Ordinal);
            }
            catch (OpenRolesAnywhere.Core.CredentialException e)
            {
                Assert.DoesNotContain(secret, e.Message, StringComparison.Ordinal);
            }
        }, iter: ParserProperty.Iterations, threads: 1, print: t => ParserProperty.Escaped(t.ToString()));

    [Fact]
    public void Parse_PercentEncodedValues_DecodeToWhatWasEncoded() =>
        Gen.Select(ParserProperty.Text(20).Where(t => !t.Any(char.IsSurrogate)), ParserProperty.Text(20).Where(t => !t.Any(char.IsSurrogate)), Gen.Byte.Array[0, 8])
            .Sample((token, label, id) =>
            {
                var uri = Pkcs11Uri.Parse($"pkcs11:token={Encode(Encoding.UTF8.GetBytes(token))};object={Encode(Encoding.UTF8.GetBytes(label))};id={Hex(id)}");
                Assert.Equal(token, uri.Token);
                Assert.Equal(label, uri.ObjectLabel);
                Assert.Equal(id, uri.Id);
            }, iter: ParserProperty.Iterations, threads: 1);

    private static Gen<string> Pick(params string[] values) => Gen.Int[0, values.Length - 1].Select(i => values[i]);

    private static string Hex(byte[] bytes) => string.Concat(bytes.Select(b => $"%{b:x2}"));

    // RFC 3986 unreserved bytes as they are, the rest percent-encoded.
    private static string Encode(byte[] bytes) => string.Concat(bytes.Select(b =>
        char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'.' or (byte)'_' or (byte)'~' ? ((char)b).ToString() : $"%{b:X2}"));
}
