using System.CommandLine;

namespace OpenRolesAnywhere.Cli.Commands;

/// <summary><c>version</c>, as the official helper has it: the same text as <c>--version</c>.</summary>
internal sealed class VersionCommand : Command
{
    public VersionCommand()
        : base("version", "Print the version (the same as --version).")
    {
        // Answered by the root's own --version, so the two cannot drift apart.
        SetAction(parseResult => parseResult.RootCommandResult.Command.Parse(["--version"]).Invoke(parseResult.InvocationConfiguration));
    }
}
