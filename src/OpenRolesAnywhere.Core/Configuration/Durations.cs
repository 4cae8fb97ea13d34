using System.Globalization;
using System.Text.RegularExpressions;

namespace OpenRolesAnywhere.Core.Configuration;

/// <summary>
/// Durations as people type them: plain seconds (<c>3600</c>) or the Go forms the original tool took
/// (<c>3600s</c>, <c>90m</c>, <c>1h30m</c>, <c>8760h</c>). Anything else, or anything longer than a
/// <see cref="TimeSpan"/> holds, is a <see cref="CredentialException"/> (usage), never an overflow.
/// </summary>
public static partial class Durations
{
    // Far longer than any real duration; bounds the regular expression's work on hostile input.
    private const int MaxLength = 100;

    /// <summary>
    /// A look-ahead such as <c>--expiring 30d</c>: whole days (<c>30d</c>), which Go durations lack but
    /// renewals are counted in, or any form <see cref="Parse"/> takes. Lifetimes stay in hours (8760h), as the original tool's.
    /// </summary>
    public static TimeSpan ParseWindow(string text, string what)
    {
        var trimmed = text?.Trim() ?? throw new ArgumentNullException(nameof(text));
        if (!trimmed.EndsWith('d') || !int.TryParse(trimmed.AsSpan(0, trimmed.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var days))
        {
            return Parse(text, what);
        }

        return days <= 36_500 ? TimeSpan.FromDays(days)
            : throw new CredentialException(CredentialErrorKind.InvalidInput, $"{what} '{text}' is far too long: give at most a few years of days (3650d).");
    }

    /// <exception cref="CredentialException">Not a duration, or longer than a <see cref="TimeSpan"/> holds.</exception>
    public static TimeSpan Parse(string? text, string what)
    {
        // A config file can say null where a duration belongs: that is a missing duration, not a crash.
        text ??= "";
        var trimmed = text.Trim();
        if (long.TryParse(trimmed, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return seconds <= TimeSpan.MaxValue.TotalSeconds - 1 ? TimeSpan.FromSeconds(seconds) : throw TooLong(text, what);
        }

        var match = trimmed.Length <= MaxLength ? GoDuration().Match(trimmed) : Match.Empty;
        if (!match.Success || trimmed.Length == 0)
        {
            throw new CredentialException(CredentialErrorKind.InvalidInput,
                $"{what} '{text}' is not a duration: give seconds (3600) or a Go duration (3600s, 90m, 1h30m, 8760h).");
        }

        // Summed in ticks as decimals, checked against TimeSpan's range before anything can overflow.
        var ticks = 0m;
        foreach (Capture capture in match.Groups["part"].Captures)
        {
            var part = PartPattern().Match(capture.Value);
            var perUnit = TicksPer(part.Groups[2].Value);
            if (!decimal.TryParse(part.Groups[1].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
                || value > (TimeSpan.MaxValue.Ticks - ticks) / perUnit)
            {
                throw TooLong(text, what);
            }

            ticks += value * perUnit;
        }

        return TimeSpan.FromTicks((long)ticks);
    }

    private static decimal TicksPer(string unit) => unit switch
    {
        "h" => TimeSpan.TicksPerHour,
        "m" => TimeSpan.TicksPerMinute,
        "s" => TimeSpan.TicksPerSecond,
        "ms" => TimeSpan.TicksPerMillisecond,
        "us" or "µs" => TimeSpan.TicksPerMicrosecond,
        _ => 0.01m,
    };

    private static CredentialException TooLong(string text, string what) =>
        new(CredentialErrorKind.InvalidInput, $"{what} '{text}' is far too long a duration: give at most a few years (8760h is one).");

    // [0-9], not \d: \d also matches other scripts' digits, which the invariant culture cannot parse.
    [GeneratedRegex(@"^(?<part>[0-9]+(\.[0-9]+)?(h|ms|m|s|us|µs|ns))+$")]
    private static partial Regex GoDuration();

    [GeneratedRegex(@"^([0-9]+(?:\.[0-9]+)?)(h|ms|m|s|us|µs|ns)$")]
    private static partial Regex PartPattern();
}
