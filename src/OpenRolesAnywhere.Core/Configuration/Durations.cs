using System.Globalization;
using System.Text.RegularExpressions;

namespace OpenRolesAnywhere.Core.Configuration;

/// <summary>
/// Durations as people type them: plain seconds (<c>3600</c>) or the Go forms the original tool took
/// (<c>3600s</c>, <c>90m</c>, <c>1h30m</c>, <c>8760h</c>).
/// </summary>
public static partial class Durations
{
    /// <exception cref="CredentialException">Not a duration, or longer than a <see cref="TimeSpan"/> holds.</exception>
    public static TimeSpan Parse(string text, string what)
    {
        try
        {
            return ParseUnchecked(text, what);
        }
        catch (Exception e) when (e is OverflowException or ArgumentOutOfRangeException)
        {
            throw new CredentialException(CredentialErrorKind.InvalidInput, $"{what} '{text}' is far too long a duration: give at most a few years (8760h is one).", e);
        }
    }

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

    private static TimeSpan ParseUnchecked(string text, string what)
    {
        var trimmed = text.Trim();
        if (long.TryParse(trimmed, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return TimeSpan.FromSeconds(seconds);
        }

        var match = GoDuration().Match(trimmed);
        if (!match.Success || trimmed.Length == 0)
        {
            throw new CredentialException(CredentialErrorKind.InvalidInput,
                $"{what} '{text}' is not a duration: give seconds (3600) or a Go duration (3600s, 90m, 1h30m, 8760h).");
        }

        var total = TimeSpan.Zero;
        foreach (Capture capture in match.Groups["part"].Captures)
        {
            var part = PartPattern().Match(capture.Value);
            var value = decimal.Parse(part.Groups[1].Value, CultureInfo.InvariantCulture);
            total += part.Groups[2].Value switch
            {
                "h" => TimeSpan.FromHours((double)value),
                "m" => TimeSpan.FromMinutes((double)value),
                "s" => TimeSpan.FromSeconds((double)value),
                "ms" => TimeSpan.FromMilliseconds((double)value),
                "us" or "µs" => TimeSpan.FromMicroseconds((double)value),
                _ => TimeSpan.FromTicks((long)(value / 100)),
            };
        }

        return total;
    }

    [GeneratedRegex(@"^(?<part>\d+(\.\d+)?(h|ms|m|s|us|µs|ns))+$")]
    private static partial Regex GoDuration();

    [GeneratedRegex(@"^(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)$")]
    private static partial Regex PartPattern();
}
