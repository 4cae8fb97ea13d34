using System.Globalization;
using System.Text;
using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.Core.Credentials;

namespace OpenRolesAnywhere.Signers.Pkcs11.Uris;

/// <summary>
/// A parsed RFC 7512 <c>pkcs11:</c> URI. Path attributes (separated by <c>;</c>) select the library, slot, token
/// and object; query attributes (after <c>?</c>, separated by <c>&amp;</c>) say how to reach them (module, PIN).
/// Values are percent-decoded; <c>id</c> is raw bytes, every other value UTF-8 text.
/// </summary>
internal sealed class Pkcs11Uri
{
    public const string Scheme = "pkcs11:";

    private static readonly HashSet<string> PathAttributes = new(StringComparer.Ordinal)
    {
        "token", "manufacturer", "serial", "model", "library-manufacturer", "library-description", "library-version",
        "object", "type", "id", "slot-description", "slot-manufacturer", "slot-id",
    };

    private static readonly HashSet<string> QueryAttributes = new(StringComparer.Ordinal)
    {
        "pin-source", "pin-value", "module-name", "module-path",
    };

    private readonly Dictionary<string, string> _text;
    private readonly string _redacted;

    private Pkcs11Uri(Dictionary<string, string> text, byte[]? id, string redacted)
    {
        _text = text;
        Id = id;
        _redacted = redacted;
    }

    public string? Token => Text("token");

    public string? Manufacturer => Text("manufacturer");

    public string? Serial => Text("serial");

    public string? Model => Text("model");

    public string? LibraryManufacturer => Text("library-manufacturer");

    public string? LibraryDescription => Text("library-description");

    /// <summary><c>major[.minor]</c> as RFC 7512 writes it.</summary>
    public string? LibraryVersion => Text("library-version");

    /// <summary>The object's label (<c>CKA_LABEL</c>).</summary>
    public string? ObjectLabel => Text("object");

    /// <summary><c>CKA_ID</c>, the bytes the percent-encoding stands for.</summary>
    public byte[]? Id { get; }

    /// <summary><c>cert</c>, <c>data</c>, <c>private</c>, <c>public</c> or <c>secret-key</c>.</summary>
    public string? Type => Text("type");

    public string? SlotDescription => Text("slot-description");

    public string? SlotManufacturer => Text("slot-manufacturer");

    public ulong? SlotId { get; private init; }

    public string? ModulePath => Text("module-path");

    public string? ModuleName => Text("module-name");

    /// <summary>The PIN itself. Never printed: <see cref="ToString"/> leaves it out.</summary>
    public string? PinValue => Text("pin-value");

    /// <summary>Where to read the PIN: a <c>file:</c> URI or a path.</summary>
    public string? PinSource => Text("pin-source");

    /// <summary>The URI as given, without <c>pin-value</c>: safe for messages and logs.</summary>
    public override string ToString() => _redacted;

    public static bool IsPkcs11Uri(string? value) =>
        value is not null && value.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Parses <paramref name="value"/>. RFC 7512 says a URI with a path attribute the consumer does not know
    /// (vendor <c>x-</c> ones included) matches nothing, so those are refused with a message rather than
    /// silently matching some other object; unknown query attributes are ignored, as the RFC allows.
    /// </summary>
    public static Pkcs11Uri Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!IsPkcs11Uri(value))
        {
            throw Invalid(value, "it does not start with \"pkcs11:\"");
        }

        var redacted = Redact(value);
        // A PIN holding an unencoded ';' or '&' would split into pieces: then no piece may be echoed.
        var holdsPin = value.Contains("pin-value", StringComparison.OrdinalIgnoreCase);
        var body = value[Scheme.Length..];
        if (body.Contains('#', StringComparison.Ordinal))
        {
            throw Invalid(redacted, "a PKCS#11 URI has no fragment (\"#\"); percent-encode it as %23 inside a value");
        }

        var question = body.IndexOf('?', StringComparison.Ordinal);
        var path = question >= 0 ? body[..question] : body;
        var query = question >= 0 ? body[(question + 1)..] : string.Empty;
        var text = new Dictionary<string, string>(StringComparer.Ordinal);
        var (id, slotId) = ReadPath(path, redacted, holdsPin, text);
        foreach (var (name, raw) in Attributes(query, '&', redacted, holdsPin))
        {
            if (!QueryAttributes.Contains(name))
            {
                continue;
            }

            if (text.ContainsKey(name))
            {
                throw Invalid(redacted, $"the attribute \"{name}\" appears more than once");
            }

            text[name] = DecodeText(raw, redacted, name);
        }

        if (text.ContainsKey("pin-value") && text.ContainsKey("pin-source"))
        {
            throw Invalid(redacted, "give the PIN either as pin-value or as pin-source, not both");
        }

        return new Pkcs11Uri(text, id, redacted) { SlotId = slotId };
    }

    /// <summary>The path attributes into <paramref name="text"/>; the id (binary) and the slot-id (a number) returned apart.</summary>
    private static (byte[]? Id, ulong? SlotId) ReadPath(string path, string redacted, bool holdsPin, Dictionary<string, string> text)
    {
        byte[]? id = null;
        ulong? slotId = null;
        foreach (var (name, raw) in Attributes(path, ';', redacted, holdsPin))
        {
            if (!PathAttributes.Contains(name))
            {
                throw Invalid(redacted, $"the path attribute \"{name}\" is not one this client knows, and RFC 7512 says such a URI matches no object");
            }

            if (text.ContainsKey(name) || (name == "id" && id is not null))
            {
                throw Invalid(redacted, $"the attribute \"{name}\" appears more than once");
            }

            if (name == "id")
            {
                id = Decode(raw, redacted, name);
                continue;
            }

            var decoded = DecodeText(raw, redacted, name);
            slotId = CheckPathValue(name, decoded, redacted) ?? slotId;
            text[name] = decoded;
        }

        return (id, slotId);
    }

    /// <summary>Refuses a value the attribute cannot take; for slot-id, its number.</summary>
    private static ulong? CheckPathValue(string name, string decoded, string redacted)
    {
        switch (name)
        {
            case "type" when decoded is not ("cert" or "data" or "private" or "public" or "secret-key"):
                throw Invalid(redacted, $"type={decoded} is not one of cert, data, private, public, secret-key");
            case "slot-id":
                return ulong.TryParse(decoded, NumberStyles.None, CultureInfo.InvariantCulture, out var slot)
                    ? slot
                    : throw Invalid(redacted, $"slot-id={decoded} is not a decimal number");
            case "library-version" when !IsVersion(decoded):
                throw Invalid(redacted, $"library-version={decoded} is not of the form MAJOR or MAJOR.MINOR");
            default:
                return null;
        }
    }

    /// <summary>
    /// The URI without any <c>pin-value</c> attribute (in the query after <c>?</c>, or misplaced in the path),
    /// whether or not it parses; pieces after it that are not <c>name=value</c> (a PIN's unencoded <c>;</c> or
    /// <c>&amp;</c>) go too.
    /// </summary>
    public static string Redact(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var question = value.IndexOf('?', StringComparison.Ordinal);
        var path = KeepWithoutPin(question < 0 ? value : value[..question], ';');
        return question < 0 ? path : KeepWithoutPin(value[(question + 1)..], '&') is { Length: > 0 } query ? path + "?" + query : path;
    }

    private static string KeepWithoutPin(string part, char separator)
    {
        var inPin = false;
        var kept = new List<string>();
        foreach (var piece in part.Split(separator))
        {
            var scheme = piece.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase);
            var name = scheme ? piece[Scheme.Length..] : piece;
            inPin = name.StartsWith("pin-value=", StringComparison.OrdinalIgnoreCase) || (inPin && !name.Contains('=', StringComparison.Ordinal));
            if (!inPin || scheme)
            {
                kept.Add(inPin ? Scheme : piece);
            }
        }

        return string.Join(separator, kept);
    }

    private string? Text(string name) => _text.TryGetValue(name, out var value) ? value : null;

    private static IEnumerable<(string Name, string Raw)> Attributes(string part, char separator, string redacted, bool holdsPin)
    {
        if (part.Length == 0)
        {
            yield break;
        }

        foreach (var attribute in part.Split(separator))
        {
            var equals = attribute.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw Invalid(redacted, holdsPin
                    ? "an attribute is not of the form name=value (percent-encode ';' as %3B and '&' as %26 inside values)"
                    : $"\"{attribute}\" is not of the form name=value");
            }

            // Attribute names are lowercase in RFC 7512; accept any case as a courtesy.
            yield return (attribute[..equals].ToLowerInvariant(), attribute[(equals + 1)..]);
        }
    }

    private static bool IsVersion(string value)
    {
        var parts = value.Split('.');
        return parts.Length is 1 or 2 && parts.All(p => p.Length > 0 && p.All(char.IsAsciiDigit));
    }

    private static string DecodeText(string raw, string redacted, string name)
    {
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Decode(raw, redacted, name));
        }
        catch (DecoderFallbackException)
        {
            throw Invalid(redacted, $"the value of \"{name}\" is not UTF-8 text once percent-decoded");
        }
    }

    private static byte[] Decode(string raw, string redacted, string name)
    {
        var bytes = new List<byte>(raw.Length);
        var literalStart = 0;
        for (var i = 0; i <= raw.Length; i++)
        {
            if (i < raw.Length && raw[i] != '%')
            {
                continue;
            }

            bytes.AddRange(Encoding.UTF8.GetBytes(raw[literalStart..i]));
            if (i == raw.Length)
            {
                break;
            }

            if (i + 2 >= raw.Length
                || !byte.TryParse(raw.AsSpan(i + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var b))
            {
                // A PIN's characters must not reach a message, not even the bad escape.
                throw Invalid(redacted, name.StartsWith("pin", StringComparison.Ordinal)
                    ? $"the value of \"{name}\" has a malformed percent-encoding"
                    : $"the value of \"{name}\" has a malformed percent-encoding near \"{raw[i..Math.Min(raw.Length, i + 3)]}\"");
            }

            bytes.Add(b);
            i += 2;
            literalStart = i + 1;
        }

        return [.. bytes];
    }

    private static CredentialException Invalid(string redacted, string why) =>
        new(CredentialErrorKind.InvalidInput, $"The PKCS#11 URI {redacted} is not valid: {why}. See RFC 7512, e.g. pkcs11:token=MyToken;object=my-key;type=private.");
}
