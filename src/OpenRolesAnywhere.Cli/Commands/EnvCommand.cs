using System.CommandLine;
using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.Core.Credentials;
using OpenRolesAnywhere.Server;

namespace OpenRolesAnywhere.Cli.Commands;

/// <summary>
/// <c>env</c>: the variables that point SDKs, the AWS CLI and containers at a running <c>serve</c>, as
/// <c>NAME=value</c> lines (a container's env file) or, with <c>--export</c>, for a shell's <c>eval</c>.
/// </summary>
internal sealed class EnvCommand : Command
{
    public EnvCommand(CliEnvironment environment)
        : base("env", "Print the environment variables that point AWS SDKs and the AWS CLI at `openrolesanywhere serve`.")
    {
        var listen = new Option<string>("--listen") { Description = "The address serve listens on.", DefaultValueFactory = _ => ServeOptions.DefaultListen };
        var tokenFile = new Option<string?>("--token-file") { Description = "serve's token file. Default: the runtime directory's server.token." };
        var inlineToken = new Option<bool>("--token") { Description = "Print AWS_CONTAINER_AUTHORIZATION_TOKEN (the token itself) instead of the file variable, for clients that ignore the file (AWS CLI v2 2.9)." };
        var sourceName = new Option<string?>("--source") { Description = "A named source of serve's config (default: its default source)." };
        var export = new Option<bool>("--export") { Description = "Print `export NAME='value'` lines for eval in a shell." };
        foreach (var option in new Option[] { listen, tokenFile, inlineToken, sourceName, export })
        {
            Options.Add(option);
        }

        SetAction(async (parseResult, cancellationToken) =>
        {
            var file = Path.GetFullPath(parseResult.GetValue(tokenFile) ?? LocalServerPaths.TokenFile(environment.Variable));
            string? token = null;
            if (parseResult.GetValue(inlineToken))
            {
                token = File.Exists(file)
                    ? await File.ReadAllTextAsync(file, cancellationToken)
                    : throw new CredentialException(CredentialErrorKind.InvalidInput, $"There is no token file at {file}: start `openrolesanywhere serve` first, or give its --token-file.");
            }

            var variables = ServerEnvironment.Variables(ServerEnvironment.ClientBaseUrl(parseResult.GetValue(listen)!), file, token, parseResult.GetValue(sourceName));
            foreach (var line in ServerEnvironment.Lines(variables, parseResult.GetValue(export)))
            {
                await parseResult.InvocationConfiguration.Output.WriteLineAsync(line);
            }

            return ExitCodes.Success;
        });
    }
}
