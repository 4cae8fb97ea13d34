using System.Text;
using Serilog.Core;
using Serilog.Events;

namespace OpenRolesAnywhere.Server.Logging;

/// <summary>
/// Escapes control characters (CR, LF, ESC, C1, line separators...) in every string a log event carries, so
/// a value from a request (a percent-decoded path, a Host) can neither start a forged line in the human
/// format nor send terminal escapes. Message templates are ours; only property values can carry such input,
/// so escaping them here covers every sink and format at once.
/// </summary>
internal sealed class ControlCharacterEscaper : ILogEventEnricher
{
    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        List<LogEventProperty>? escaped = null;
        foreach (var (name, value) in logEvent.Properties)
        {
            if (Escape(value) is var safe && !ReferenceEquals(safe, value))
            {
                (escaped ??= []).Add(new LogEventProperty(name, safe));
            }
        }

        foreach (var property in escaped ?? [])
        {
            logEvent.AddOrUpdateProperty(property);
        }
    }

    /// <summary>The same instance when nothing needed escaping.</summary>
    private static LogEventPropertyValue Escape(LogEventPropertyValue value)
    {
        switch (value)
        {
            case ScalarValue { Value: string text } when text.Any(IsControl):
                return new ScalarValue(Escape(text));
            case SequenceValue sequence when sequence.Elements.Select(Escape).ToList() is var elements && !elements.SequenceEqual(sequence.Elements):
                return new SequenceValue(elements);
            case StructureValue structure when structure.Properties.Select(p => new LogEventProperty(p.Name, Escape(p.Value))).ToList() is var properties
                    && !properties.Select(p => p.Value).SequenceEqual(structure.Properties.Select(p => p.Value)):
                return new StructureValue(properties, structure.TypeTag);
            case DictionaryValue dictionary when dictionary.Elements.Any(e => !ReferenceEquals(Escape(e.Key), e.Key) || !ReferenceEquals(Escape(e.Value), e.Value)):
                return new DictionaryValue(dictionary.Elements.Select(e => new KeyValuePair<ScalarValue, LogEventPropertyValue>((ScalarValue)Escape(e.Key), Escape(e.Value))));
            default:
                return value;
        }
    }

    public static string Escape(string text)
    {
        var escaped = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            _ = IsControl(c) ? escaped.Append(@"\u").Append(((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture)) : escaped.Append(c);
        }

        return escaped.ToString();
    }

    private static bool IsControl(char c) => char.IsControl(c) || c is '\u2028' or '\u2029' or '\u0085';
}
