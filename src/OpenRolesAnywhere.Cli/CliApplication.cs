using System.CommandLine;
using System.Reflection;
using System.Runtime.InteropServices;
using OpenRolesAnywhere.Cli.Commands;
using OpenRolesAnywhere.Core;

namespace OpenRolesAnywhere.Cli;

/// <summary>The command tree and the one place where failures become messages and exit codes.</summary>
internal static class CliApplication
{
    public static RootCommand BuildRootCommand(CliEnvironment environment)
    {
        var root = new RootCommand("OpenRolesAnywhere: AWS credentials from IAM Roles Anywhere, signed by a key that cannot be copied (SSH agent, PKCS#11 token, TPM).")
        {
            new CredentialProcessCommand(environment),
            new RequestCertificateCommand(environment),
            new ServeCommand(environment),
            new ProxyCommand(environment),
            new EnvCommand(environment),
            new DoctorCommand(environment),
            new HealthCommand(environment),
            new Commands.Admin.AdminCommand(environment),
            new UpdateCommand(environment),
            new SignStringCommand(environment),
            new ReadCertificateDataCommand(environment),
            new VersionCommand(),
        };
        var help = root.Options.OfType<System.CommandLine.Help.HelpOption>().Single();
        help.Action = new SectionedHelpAction((System.CommandLine.Help.HelpAction)help.Action!);
        return root;
    }

    /// <summary>What System.CommandLine's --version prints: the entry assembly's informational version, else its version.</summary>
    private static string ExecutableVersion()
    {
        var assembly = Assembly.GetEntryAssembly()!;
        return assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? assembly.GetName().Version?.ToString() ?? "";
    }

    /// <summary>
    /// The first signal cancels the command instead of ending the process at once (the runtime's default); a second
    /// ends it, should the command be stuck where it cannot see the cancellation (reading a terminal, say).
    /// </summary>
    private static PosixSignalRegistration StopOn(PosixSignal signal, CancellationTokenSource cancellation) =>
        PosixSignalRegistration.Create(signal, context =>
        {
            // Never set back to false: another handler (serve's host) may keep the process for its own graceful stop.
            if (!cancellation.IsCancellationRequested)
            {
                context.Cancel = true;
                cancellation.Cancel();
            }
        });

    /// <summary>Unknown words first and alone: the other errors ("Required command was not provided") usually follow from them.</summary>
    private static async Task ReportUsageErrorsAsync(ParseResult parseResult, TextWriter error)
    {
        var typos = TypoSuggestions.Describe(parseResult);
        foreach (var line in typos.Count > 0 ? typos : parseResult.Errors.Select(e => e.Message))
        {
            await error.WriteLineAsync(line);
        }

        await error.WriteLineAsync("Run with --help to see the options.");
    }

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CliEnvironment environment)
    {
        // What the tree's --version (and `version`) prints, without building the tree: nothing else is needed for it.
        if (args is ["--version"] or ["version"])
        {
            await output.WriteLineAsync(ExecutableVersion());
            return ExitCodes.Success;
        }

        var parseResult = BuildRootCommand(environment).Parse(args);
        // --help is answered even when required options are missing (`admin create-profile --help`).
        if (parseResult.Errors.Count > 0 && parseResult.Action is not SectionedHelpAction)
        {
            await ReportUsageErrorsAsync(parseResult, error);
            return ExitCodes.Usage;
        }

        using var cancellation = new CancellationTokenSource();
        // Ctrl-C, and SIGTERM as systemd, docker and kill stop a process: a long-running command (update, serve) ends
        // as cancelled, its files whole; serve's host stops on either itself and then exits with success. Ours, not
        // System.CommandLine's (ProcessTerminationTimeout = null), whose token the top-level catch could not tell apart.
        using var sigint = StopOn(PosixSignal.SIGINT, cancellation);
        using var sigterm = StopOn(PosixSignal.SIGTERM, cancellation);
        try
        {
            return await parseResult.InvokeAsync(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null }, cancellation.Token);
        }
        catch (CredentialException e)
        {
            await error.WriteLineAsync($"openrolesanywhere: {e.Message}");
            return ExitCodes.For(e.Kind);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            await error.WriteLineAsync("openrolesanywhere: cancelled.");
            return ExitCodes.Cancelled;
        }
#pragma warning disable CA1031 // The one top-level catch: an unexpected failure is reported, not dumped as a stack trace.
        catch (Exception e)
#pragma warning restore CA1031
        {
            await error.WriteLineAsync($"openrolesanywhere: unexpected {e.GetType().Name}: {e.Message}");
            await error.WriteLineAsync("This is a bug; please report it with the command you ran (leave out any secret).");
            return ExitCodes.Unexpected;
        }
    }
}
