using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace OpenRolesAnywhere.Cli;

/// <summary>A command whose <c>--help</c> lists its options under titled sections.</summary>
internal interface IHelpSections
{
    /// <summary>The section of each option, by the option's name; options not listed go last, under "Other options".</summary>
    IReadOnlyDictionary<string, string> HelpSections { get; }
}

/// <summary>
/// <c>--help</c>: System.CommandLine's own, except for an <see cref="IHelpSections"/> command, whose options are
/// written in its sections, in the order the sections first appear (its HelpBuilder is internal since 2.0, so the
/// option rows are written here, in the same shape: name and aliases, &lt;value&gt;, description, [default: ...]).
/// </summary>
internal sealed class SectionedHelpAction(HelpAction standard) : SynchronousCommandLineAction
{
    private const string OtherOptions = "Other options";
    private const int Width = 110;

    public override int Invoke(ParseResult parseResult)
    {
        if (parseResult.CommandResult.Command is not IHelpSections sectioned)
        {
            return standard.Invoke(parseResult);
        }

        var command = parseResult.CommandResult.Command;
        var output = parseResult.InvocationConfiguration.Output;
        output.WriteLine($"Description:{Environment.NewLine}  {command.Description}{Environment.NewLine}");
        output.WriteLine($"Usage:{Environment.NewLine}  {string.Join(' ', CommandNames(parseResult.CommandResult))} [options]{Environment.NewLine}");
        var options = VisibleOptions(parseResult.CommandResult).ToList();
        var column = Math.Min(34, options.Max(o => FirstColumn(o).Length) + 4);
        var sections = options.GroupBy(o => sectioned.HelpSections.GetValueOrDefault(o.Name, OtherOptions))
            .OrderBy(g => g.Key == OtherOptions ? int.MaxValue : sectioned.HelpSections.Values.ToList().IndexOf(g.Key));
        foreach (var section in sections)
        {
            output.WriteLine(section.Key + ":");
            foreach (var option in section)
            {
                WriteRow(output, FirstColumn(option), SecondColumn(option), column);
            }

            output.WriteLine();
        }

        return 0;
    }

    private static IEnumerable<Option> VisibleOptions(System.CommandLine.Parsing.CommandResult result)
    {
        var own = result.Command.Options.Where(o => !o.Hidden);
        // Options every subcommand inherits (--help) come from the ancestors.
        for (var parent = result.Parent as System.CommandLine.Parsing.CommandResult; parent is not null; parent = parent.Parent as System.CommandLine.Parsing.CommandResult)
        {
            own = own.Concat(parent.Command.Options.Where(o => o.Recursive && !o.Hidden));
        }

        return own.DistinctBy(o => o.Name);
    }

    private static IEnumerable<string> CommandNames(System.CommandLine.Parsing.CommandResult result) =>
        result.Parent is System.CommandLine.Parsing.CommandResult parent ? CommandNames(parent).Append(result.Command.Name) : [result.Command.Name];

    private static string FirstColumn(Option option)
    {
        // As System.CommandLine writes them: shortest first, no Windows-style /h, no value for a flag.
        var names = string.Join(", ", option.Aliases.Prepend(option.Name).Where(n => !n.StartsWith('/')).OrderBy(n => n.Length));
        return option.ValueType == typeof(bool) ? names : $"{names} <{option.HelpName ?? option.Name.TrimStart('-')}>";
    }

    private static string SecondColumn(Option option)
    {
        var value = option.HasDefaultValue ? option.GetDefaultValue() : null;
        var text = value switch
        {
            null or false => null,
            string[] { Length: 0 } => null,
            string[] many => string.Join(", ", many),
            _ => value.ToString(),
        };
        return text is null ? option.Description ?? "" : $"{option.Description} [default: {text}]";
    }

    /// <summary>The first column, then the second wrapped at word boundaries to <see cref="Width"/>.</summary>
    private static void WriteRow(TextWriter output, string first, string second, int column)
    {
        var line = ("  " + first).PadRight(column);
        if (line.Length > column)
        {
            output.WriteLine(line);
            line = new string(' ', column);
        }

        foreach (var word in second.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.Length + word.Length + 1 > Width && line.Trim().Length > 0 && line.Length > column)
            {
                output.WriteLine(line.TrimEnd());
                line = new string(' ', column);
            }

            line += (line.Length > column ? " " : "") + word;
        }

        output.WriteLine(line.TrimEnd());
    }
}
