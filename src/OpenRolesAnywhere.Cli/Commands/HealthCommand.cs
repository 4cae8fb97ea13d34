using System.CommandLine;
using System.Text.Json;
using OpenRolesAnywhere.Server;

namespace OpenRolesAnywhere.Cli.Commands;

/// <summary>
/// <c>health</c>: asks a running <c>serve</c> for <c>/healthz</c> and exits 0 (healthy) or 1 (not), the
/// contract of Docker's and Podman's HEALTHCHECK, so an image needs no shell or curl to be checked.
/// </summary>
internal sealed class HealthCommand : Command
{
    public HealthCommand(CliEnvironment environment)
        : base("health", "Check a running `openrolesanywhere serve` (GET /healthz); exit 0 when healthy, 1 when not (for container health checks).")
    {
        var listen = new Option<string>("--listen") { Description = "The address serve listens on (a wildcard address is asked on 127.0.0.1).", DefaultValueFactory = _ => ServeOptions.DefaultListen };
        var ready = new Option<bool>("--ready") { Description = "Healthy only when every source holds valid credentials (readiness), not merely when the server answers (liveness)." };
        var timeout = new Option<int>("--timeout") { Description = "Seconds to wait for the answer.", DefaultValueFactory = _ => 3 };
        foreach (var option in new Option[] { listen, ready, timeout })
        {
            Options.Add(option);
        }

        SetAction(async (parseResult, cancellationToken) =>
        {
            var url = new Uri(ServerEnvironment.ClientBaseUrl(parseResult.GetValue(listen)!) + "/healthz");
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            using var http = environment.CreateHttpClient();
            http.Timeout = TimeSpan.FromSeconds(Math.Max(1, parseResult.GetValue(timeout)));
            string body;
            try
            {
                using var response = await http.GetAsync(url, cancellationToken);
                body = await response.Content.ReadAsStringAsync(cancellationToken);
                if (!response.IsSuccessStatusCode)
                {
                    await error.WriteLineAsync($"openrolesanywhere: {url} answered {(int)response.StatusCode}.");
                    return ExitCodes.Unhealthy;
                }
            }
            catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
                await error.WriteLineAsync($"openrolesanywhere: no server answered at {url}: {e.Message}");
                return ExitCodes.Unhealthy;
            }

            await output.WriteLineAsync(body);
            if (parseResult.GetValue(ready) && Status(body) != "ok")
            {
                await error.WriteLineAsync("openrolesanywhere: the server answers, but not every source holds valid credentials (see lastError above).");
                return ExitCodes.Unhealthy;
            }

            return ExitCodes.Success;
        });
    }

    private static string? Status(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.TryGetProperty("status", out var status) ? status.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
