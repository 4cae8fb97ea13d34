using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.TestCommon;

namespace OpenRolesAnywhere.Server.Tests;

public sealed class HealthAndMetricsTests : IAsyncLifetime
{
    private RunningServer _server = null!;

    public async Task InitializeAsync() => _server = await RunningServer.StartAsync(
        arrange: s => s["denied"].Failure = new CredentialException(CredentialErrorKind.AccessDenied, "The role is not allowed: is it listed in the profile?"),
        extraSources: ["denied"]);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Healthz_OneSourceFailing_Answers200DegradedWithEachSourcesState()
    {
        await Eventually.TrueAsync(() => _server.Sources["denied"].Calls > 0 && _server.Default.Calls > 0, "the warm-up fetches ran");

        using var response = await _server.Client.GetAsync("/healthz");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        Assert.Equal("degraded", root.GetProperty("status").GetString());
        var sources = root.GetProperty("sources").EnumerateArray().ToDictionary(s => s.GetProperty("name").GetString()!);
        Assert.True(sources["default"].GetProperty("valid").GetBoolean());
        Assert.InRange(sources["default"].GetProperty("expiresInSeconds").GetDouble(), 3500, 3600);
        Assert.False(sources["denied"].GetProperty("valid").GetBoolean());
        Assert.Equal("AccessDenied", sources["denied"].GetProperty("lastErrorKind").GetString());
        Assert.Contains("not allowed", sources["denied"].GetProperty("lastError").GetString(), StringComparison.Ordinal);
        await AssertNoSecretAsync(body);
    }

    [Fact]
    public async Task Metrics_AfterRequests_CountHitsMissesCallsFailuresExpiryAndLatencyWithoutSecrets()
    {
        await Eventually.TrueAsync(() => _server.Sources["denied"].Calls > 0 && _server.Default.Calls > 0, "the warm-up fetches ran");
        for (var i = 0; i < 3; i++)
        {
            using var ok = await _server.Client.SendAsync(_server.ContainerRequest());
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        using var denied = await _server.Client.SendAsync(_server.ContainerRequest("/v1/credentials/denied"));

        var metrics = await _server.Client.GetStringAsync("/metrics");

        Assert.Matches("openrolesanywhere_cache_hits_total\\{source=\"default\"\\} [3-9]", metrics);
        Assert.Matches("openrolesanywhere_cache_misses_total\\{source=\"denied\"\\} [1-9]", metrics);
        Assert.Matches("openrolesanywhere_create_session_calls_total\\{source=\"default\"\\} 1", metrics);
        Assert.Matches("openrolesanywhere_create_session_failures_total\\{source=\"denied\",reason=\"AccessDenied\"\\} [1-9]", metrics);
        Assert.Matches("openrolesanywhere_credentials_expiry_seconds\\{source=\"default\"\\} 3[45]\\d\\d", metrics);
        Assert.Matches("openrolesanywhere_credentials_expiry_seconds\\{source=\"denied\"\\} -1", metrics);
        Assert.Contains("http_request_duration_seconds_bucket", metrics, StringComparison.Ordinal);
        await AssertNoSecretAsync(metrics);
    }

    [Fact]
    public async Task Logs_AfterServingAndRefusing_HoldNoTokenOrCredential()
    {
        using var ok = await _server.Client.SendAsync(_server.ContainerRequest());
        var credentials = JsonDocument.Parse(await ok.Content.ReadAsStringAsync()).RootElement;
        using var wrong = await _server.Client.SendAsync(_server.ContainerRequest(token: "guess-" + _server.Token));
        using var request = new HttpRequestMessage(HttpMethod.Put, "/latest/api/token");
        request.Headers.Add("X-aws-ec2-metadata-token-ttl-seconds", "60");
        using var imdsToken = await _server.Client.SendAsync(request);
        var token = await imdsToken.Content.ReadAsStringAsync();

        // The request log is written as the response completes, which may be after the client has it.
        await Eventually.TrueAsync(() => _server.Logs.Events.Count(e => e.Contains("RequestLoggingMiddleware", StringComparison.Ordinal)) >= 3, "the three requests were logged");
        var logs = string.Join("\n", _server.Logs.Events);

        Assert.Contains("Fetched credentials for \"default\"", logs, StringComparison.Ordinal);
        Assert.Contains("responded 403", logs, StringComparison.Ordinal);
        Assert.Contains("\"AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1:", logs, StringComparison.Ordinal);
        Assert.Contains("AWS_EC2_METADATA_SERVICE_ENDPOINT=http://127.0.0.1:", logs, StringComparison.Ordinal);
        Assert.DoesNotContain(_server.Token, logs, StringComparison.Ordinal);
        Assert.DoesNotContain(token, logs, StringComparison.Ordinal);
        Assert.DoesNotContain(credentials.GetProperty("SecretAccessKey").GetString()!, logs, StringComparison.Ordinal);
        Assert.DoesNotContain(credentials.GetProperty("Token").GetString()!, logs, StringComparison.Ordinal);
    }

    private async Task AssertNoSecretAsync(string text)
    {
        using var response = await _server.Client.SendAsync(_server.ContainerRequest());
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.DoesNotContain(json.RootElement.GetProperty("SecretAccessKey").GetString()!, text, StringComparison.Ordinal);
        Assert.DoesNotContain(json.RootElement.GetProperty("Token").GetString()!, text, StringComparison.Ordinal);
        Assert.DoesNotContain(_server.Token, text, StringComparison.Ordinal);
    }
}
