using System.Net;
using OpenRolesAnywhere.TestCommon;

namespace OpenRolesAnywhere.Cli.Tests;

/// <summary>
/// <c>serve</c> as a real process told by a person that something changed (<c>SIGHUP</c>), and reporting its
/// certificate's expiry (issues 12 and 14).
/// </summary>
public sealed partial class ServeCommandTests
{
    private static async Task<HttpStatusCode> CredentialsStatusAsync(ServeProcess serve, string token)
    {
        using var http = new HttpClient { BaseAddress = serve.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/credentials") { Headers = { { "Authorization", token.Trim() } } };
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }

    [Fact]
    public async Task Serve_Sighup_FetchesEverySourceAgainAndKeepsServing()
    {
        await using var serve = await ServeProcess.StartAsync(_sourceFlags, _environment);
        Assert.Single(_cli.Fake.Issued);

        serve.Signal("HUP");

        // Healthy credentials would not be refreshed for half an hour: only the signal fetches now.
        await Eventually.TrueAsync(() => _cli.Fake.Issued.Count == 2, "the fetch the signal asked for");
        Assert.False(serve.HasExited, serve.Log);
        Assert.Contains("SIGHUP: fetching credentials for every source now (1)", serve.Log, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, await CredentialsStatusAsync(serve, await File.ReadAllTextAsync(TokenFile)));
        Assert.Equal(0, await serve.TerminateAsync());
    }

    [Fact]
    public async Task Serve_KeyAddedToTheAgentThenSighup_ServesWithoutWaitingForTheBackOff()
    {
        var agent = _agent.StartAgent();
        var environment = new Dictionary<string, string?>(_environment) { ["SSH_AUTH_SOCK"] = agent.SocketPath };
        await using var serve = await ServeProcess.StartAsync(_sourceFlags, environment, requireValidCredentials: false);
        var token = await File.ReadAllTextAsync(TokenFile);
        await Eventually.TrueAsync(() => serve.Log.Contains("failed (KeyNotFound)", StringComparison.Ordinal), "the warm-up fetch failed");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, await CredentialsStatusAsync(serve, token));

        agent.Add(_agent.EcdsaP256);
        serve.Signal("HUP");

        using var http = new HttpClient { BaseAddress = serve.BaseAddress };
        await Eventually.TrueAsync(async () => (await http.GetStringAsync(new Uri("/healthz", UriKind.Relative))).Contains("\"status\":\"ok\"", StringComparison.Ordinal),
            "the source recovered without a client's request");
        // The fetch is logged just after the cache holds its credentials.
        await Eventually.TrueAsync(() => serve.Log.Contains("Fetched credentials", StringComparison.Ordinal), "the fetch was logged");
        var log = serve.Log;
        Assert.True(log.IndexOf("SIGHUP", StringComparison.Ordinal) < log.IndexOf("Fetched credentials", StringComparison.Ordinal), log);
        Assert.Equal(HttpStatusCode.OK, await CredentialsStatusAsync(serve, token));
        Assert.Single(_cli.Fake.Issued);
    }

    [Fact]
    public async Task Serve_HealthzAndMetricsInTheExecutable_ReportTheCertificateExpiry()
    {
        await using var serve = await ServeProcess.StartAsync(_sourceFlags, _environment);
        using var http = new HttpClient { BaseAddress = serve.BaseAddress };

        using var health = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync(new Uri("/healthz", UriKind.Relative)));
        var metrics = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));

        var source = health.RootElement.GetProperty("sources")[0];
        var notAfter = DateTimeOffset.Parse(source.GetProperty("certificateExpiration").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(notAfter - DateTimeOffset.UtcNow, TimeSpan.FromDays(29), TimeSpan.FromDays(800));
        Assert.InRange(source.GetProperty("certificateExpiresInSeconds").GetDouble(), TimeSpan.FromDays(29).TotalSeconds, TimeSpan.FromDays(800).TotalSeconds);
        Assert.Matches(@"openrolesanywhere_certificate_expiry_seconds\{source=""default""\} \d{7,}", metrics);
        Assert.Matches(@"The certificate of ""?default""? expires", serve.Log);
    }
}
