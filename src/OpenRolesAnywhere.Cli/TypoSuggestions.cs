using System.CommandLine;

namespace OpenRolesAnywhere.Cli;

/// <summary>
/// What to say about words the parser did not recognize: the nearest command or option ("did you mean"), one
/// line per mistake. System.CommandLine's own <c>ParseErrorAction.ShowTypoCorrections</c> prints its suggestions
/// only beside every parse error (for a mistyped command, one "Unrecognized" line per word after it) and the help.
/// </summary>
internal static class TypoSuggestions
{
    /// <summary>One line per unknown word, or none when every word was recognized.</summary>
    public static IReadOnlyList<string> Describe(ParseResult result)
    {
        var unmatched = result.UnmatchedTokens;
        if (unmatched.Count == 0)
        {
            return [];
        }

        var command = result.CommandResult.Command;
        var path = CommandPath(result.CommandResult);
        // A mistyped command: the words after it are its flags, not further mistakes.
        var unknown = IsOption(unmatched[0]) ? unmatched.Where(IsOption).Select(t => t.Split('=')[0]) : [unmatched[0]];
        return [.. unknown.Select(token => Line(path, command, token))];
    }

    private static string Line(string path, Command command, string token)
    {
        var what = IsOption(token) ? $"{path} has no option '{token}'." : $"'{token}' is not a command or argument of {path}.";
        var nearest = Nearest(token, Candidates(command, IsOption(token)));
        return nearest.Count == 0
            ? $"openrolesanywhere: {what}"
            : $"openrolesanywhere: {what} Did you mean {string.Join(" or ", nearest.Select(n => $"'{n}'"))}?";
    }

    private static IEnumerable<string> Candidates(Command command, bool options) => options
        ? command.Options.Where(o => !o.Hidden).SelectMany(o => o.Aliases.Prepend(o.Name))
        : command.Subcommands.Where(c => !c.Hidden).SelectMany(c => c.Aliases.Prepend(c.Name));

    /// <summary>The closest candidates by edit distance, a prefix counting as close; none when nothing is near.</summary>
    private static List<string> Nearest(string token, IEnumerable<string> candidates)
    {
        var scored = candidates.Distinct(StringComparer.Ordinal)
            .Select(c => (Name: c, Distance: c.StartsWith(token, StringComparison.OrdinalIgnoreCase) && token.TrimStart('-').Length >= 3 ? 1 : Distance(token, c)))
            .Where(c => c.Distance <= Math.Max(1, token.TrimStart('-').Length / 3))
            .ToList();
        return scored.Count == 0 ? [] : [.. scored.Where(c => c.Distance == scored.Min(s => s.Distance)).Select(c => c.Name).Take(3)];
    }

    /// <summary>Edit distance counting a swap of neighbours as one edit (optimal string alignment), case-insensitive.</summary>
    private static int Distance(string a, string b)
    {
        (a, b) = (a.ToLowerInvariant(), b.ToLowerInvariant());
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            for (var j = 0; j <= b.Length; j++)
            {
                d[i, j] = i == 0 || j == 0 ? i + j
                    : Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }

    private static bool IsOption(string token) => token.StartsWith('-');

    private static string CommandPath(System.CommandLine.Parsing.CommandResult command)
    {
        var names = new List<string>();
        for (System.CommandLine.Parsing.SymbolResult? result = command; result is not null; result = result.Parent)
        {
            if (result is System.CommandLine.Parsing.CommandResult c)
            {
                names.Insert(0, c.Parent is null ? "openrolesanywhere" : c.Command.Name);
            }
        }

        return string.Join(' ', names);
    }
}
