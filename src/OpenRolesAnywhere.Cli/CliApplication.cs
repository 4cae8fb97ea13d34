using System.CommandLine;
using OpenRolesAnywhere.Cli.Commands;
using OpenRolesAnywhere.Core;

namespace OpenRolesAnywhere.Cli;

/// <summary>The command tree and the one place where failures become messages and exit codes.</summary>
internal static class CliApplication
{
    public static RootCommand BuildRootCommand(CliEnvironment environment) =>
        new("OpenRolesAnywhere: AWS credentials from IAM Roles Anywhere, signed by a key that cannot be copied (SSH agent, PKCS#11 token, TPM).")
        {
            new CredentialProcessCommand(environment),
            new RequestCertificateCommand(environment),
            new ServeCommand(environment),
            new EnvCommand(environment),
            new DoctorCommand(environment),
            new HealthCommand(environment),
            new Commands.Admin.AdminCommand(environment),
            new UpdateCommand(environment),
            new SignStringCommand(environment),
            new ReadCertificateDataCommand(environment),
            new VersionCommand(),
        };

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CliEnvironment environment)
    {
        var parseResult = BuildRootCommand(environment).Parse(args);
        if (parseResult.Errors.Count > 0)
        {
            foreach (var parseError in parseResult.Errors)
            {
                await error.WriteLineAsync(parseError.Message);
            }

            await error.WriteLineAsync("Run with --help to see the options.");
            return ExitCodes.Usage;
        }

        using var cancellation = new CancellationTokenSource();
        using var sigint = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGINT, c =>
        {
            c.Cancel = true;
            cancellation.Cancel();
        });
        try
        {
            return await parseResult.InvokeAsync(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false }, cancellation.Token);
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
