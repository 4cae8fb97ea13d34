using System.CommandLine;
using System.Text.Json;
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
        var tokenFile = new Option<string?>("--token-file") { Description = "serve's token file. [default: the runtime directory's server.token]" };
        var inlineToken = new Option<bool>("--token") { Description = "Print AWS_CONTAINER_AUTHORIZATION_TOKEN (the token itself) instead of the file variable, for clients that ignore the file (AWS CLI v2 2.9)." };
        var sourceName = new Option<string?>("--source") { Description = "A named source of serve's config. [default: its default source]" };
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

            var baseUrl = ServerEnvironment.ClientBaseUrl(parseResult.GetValue(listen)!);
            var region = await RegionOfServedSourceAsync(environment, baseUrl, parseResult.GetValue(sourceName), parseResult.InvocationConfiguration.Error, cancellationToken);
            var variables = ServerEnvironment.Variables(baseUrl, file, token, parseResult.GetValue(sourceName), region);
            foreach (var line in ServerEnvironment.Lines(variables, parseResult.GetValue(export)))
            {
                await parseResult.InvocationConfiguration.Output.WriteLineAsync(line);
            }

            return ExitCodes.Success;
        });
    }

    /// <summary>
    /// Asks the server's <c>/healthz</c> for the source's region. The variables are printed either way (a script may
    /// start serve afterwards), with a warning when no server answers or it has no such source.
    /// </summary>
    private static async Task<string?> RegionOfServedSourceAsync(CliEnvironment environment, string baseUrl, string? source, TextWriter error, CancellationToken cancellationToken)
    {
        try
        {
            using var http = environment.CreateHttpClient();
            http.Timeout = TimeSpan.FromSeconds(2);
            using var health = JsonDocument.Parse(await http.GetStringAsync(new Uri(baseUrl + "/healthz"), cancellationToken));
            return await RegionOfAsync([.. health.RootElement.GetProperty("sources").EnumerateArray()], source, baseUrl, error);
        }
        catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            await error.WriteLineAsync($"openrolesanywhere: warning: no openrolesanywhere server answers at {baseUrl}: start `openrolesanywhere serve` (or give env the --listen it uses). AWS_REGION is not printed: the region comes from the server's source.");
            return null;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            await error.WriteLineAsync($"openrolesanywhere: warning: what answers at {baseUrl} is not openrolesanywhere serve: is --listen right?");
            return null;
        }
    }

    private static async Task<string?> RegionOfAsync(List<JsonElement> sources, string? source, string baseUrl, TextWriter error)
    {
        var served = sources.FirstOrDefault(s => source is null ? s.TryGetProperty("default", out var d) && d.GetBoolean() : s.GetProperty("name").GetString() == source);
        if (served.ValueKind != JsonValueKind.Object)
        {
            var names = string.Join(", ", sources.Select(s => s.GetProperty("name").GetString()));
            await error.WriteLineAsync($"openrolesanywhere: warning: the server at {baseUrl} has no source named '{source}' (it has: {names}); clients would get 404.");
            return null;
        }

        return served.TryGetProperty("region", out var region) ? region.GetString() : null;
    }
}
