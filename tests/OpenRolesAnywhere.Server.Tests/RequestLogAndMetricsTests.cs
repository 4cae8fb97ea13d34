using System.Globalization;
using OpenRolesAnywhere.TestCommon;
using Serilog.Events;

namespace OpenRolesAnywhere.Server.Tests;

/// <summary>
/// The request log line and the request-duration histogram, as Serilog's request logging and prometheus-net's
/// <c>UseHttpMetrics</c> gave them before serve wrote its own lean middlewares: same template, properties, levels,
/// metric name, help and labels.
/// </summary>
public sealed class RequestLogAndMetricsTests
{
    private const string Template = "HTTP {RequestMethod} {RequestPath} responded {StatusCode} in {Elapsed:0.0000} ms";

    [Fact]
    public async Task RequestLog_WrongToken_WritesAWarningWithSerilogsTemplateAndProperties()
    {
        await using var server = await RunningServer.StartAsync();

        using var response = await server.Client.SendAsync(server.ContainerRequest(token: "guess-" + server.Token));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var line = await RequestLineAsync(server, 403);
        Assert.Equal(LogEventLevel.Warning, line.Level);
        Assert.Equal(Template, line.MessageTemplate.Text);
        Assert.Equal("GET", Scalar(line, "RequestMethod"));
        Assert.Equal("/v1/credentials", Scalar(line, "RequestPath"));
        Assert.InRange(Assert.IsType<double>(Scalar(line, "Elapsed")), 0, 10_000);
        Assert.Equal("Serilog.AspNetCore.RequestLoggingMiddleware", Scalar(line, "SourceContext"));
        // The connection's id comes from Kestrel's connection scope; the request's id is the connection's and a counter.
        var connection = Assert.IsType<string>(Scalar(line, "ConnectionId"));
        Assert.StartsWith(connection + ":", Assert.IsType<string>(Scalar(line, "RequestId")), StringComparison.Ordinal);
        Assert.Matches(@"^HTTP ""GET"" ""/v1/credentials"" responded 403 in \d+\.\d{4} ms$", line.RenderMessage(CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task RequestLog_CacheHitWithDebugOn_WritesADebugLine()
    {
        await using var server = await RunningServer.StartAsync();

        using var response = await server.Client.SendAsync(server.ContainerRequest());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var line = await RequestLineAsync(server, 200);
        Assert.Equal(LogEventLevel.Debug, line.Level);
        Assert.Equal("/v1/credentials", Scalar(line, "RequestPath"));
    }

    [Fact]
    public async Task RequestLog_AtInformation_WritesRefusalsAndNotFoundButNoCacheHits()
    {
        await using var server = await RunningServer.StartAsync(logLevel: LogEventLevel.Information);

        for (var i = 0; i < 3; i++)
        {
            using var ok = await server.Client.SendAsync(server.ContainerRequest());
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        using var missing = await server.Client.GetAsync("/nothing-here");
        using var unauthorized = await server.Client.GetAsync("/v1/credentials");

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
        Assert.Equal(LogEventLevel.Warning, (await RequestLineAsync(server, 404)).Level);
        Assert.Equal(LogEventLevel.Warning, (await RequestLineAsync(server, 401)).Level);
        Assert.DoesNotContain(server.Logs.Raw, e => IsRequestLine(e) && Equals(Scalar(e, "StatusCode"), 200));
    }

    [Fact]
    public async Task RefusedHost_Warning_CarriesTheRequestsIdAndPath()
    {
        await using var server = await RunningServer.StartAsync();
        using var request = server.ContainerRequest("/v1/credentials/default");
        request.Headers.Host = "evil.example";

        using var response = await server.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        // The guard runs before the request log: its warning is the one line about the request.
        var refusal = Assert.Single(server.Logs.Raw, e => e.MessageTemplate.Text.StartsWith("Refused a request for host", StringComparison.Ordinal));
        Assert.Equal(LogEventLevel.Warning, refusal.Level);
        Assert.Equal("evil.example", Scalar(refusal, "Host"));
        Assert.Equal("/v1/credentials/default", Scalar(refusal, "RequestPath"));
        var connection = Assert.IsType<string>(Scalar(refusal, "ConnectionId"));
        Assert.StartsWith(connection + ":", Assert.IsType<string>(Scalar(refusal, "RequestId")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_AfterRequests_CountDurationsByStatusMethodAndRouteAsPrometheusNetDid()
    {
        await using var server = await RunningServer.StartAsync();
        for (var i = 0; i < 2; i++)
        {
            using var ok = await server.Client.SendAsync(server.ContainerRequest());
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        using var wrong = await server.Client.SendAsync(server.ContainerRequest("/v1/credentials/default", token: "guess"));
        using var missing = await server.Client.GetAsync("/nothing-here");
        using var post = await server.Client.PostAsync("/v1/credentials", null);
        _ = await server.Client.GetStringAsync("/metrics");

        var metrics = await server.Client.GetStringAsync("/metrics");

        Assert.Contains("# HELP http_request_duration_seconds The duration of HTTP requests processed by an ASP.NET Core application.", metrics, StringComparison.Ordinal);
        Assert.Contains("# TYPE http_request_duration_seconds histogram", metrics, StringComparison.Ordinal);
        Assert.Contains("http_request_duration_seconds_count{code=\"200\",method=\"GET\",controller=\"\",action=\"\",endpoint=\"/v1/credentials\"} 2", metrics, StringComparison.Ordinal);
        Assert.Contains("http_request_duration_seconds_count{code=\"403\",method=\"GET\",controller=\"\",action=\"\",endpoint=\"/v1/credentials/{name}\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("http_request_duration_seconds_count{code=\"404\",method=\"GET\",controller=\"\",action=\"\",endpoint=\"\"} 1", metrics, StringComparison.Ordinal);
        Assert.Matches("http_request_duration_seconds_count\\{code=\"405\",method=\"POST\",controller=\"\",action=\"\",endpoint=\"[^\"]*\"\\} 1", metrics);
        // Buckets from 1 ms doubling 16 times, as prometheus-net's: the last finite one is 32.768 s.
        Assert.Contains("http_request_duration_seconds_bucket{code=\"200\",method=\"GET\",controller=\"\",action=\"\",endpoint=\"/v1/credentials\",le=\"0.001\"}", metrics, StringComparison.Ordinal);
        Assert.Contains("http_request_duration_seconds_bucket{code=\"200\",method=\"GET\",controller=\"\",action=\"\",endpoint=\"/v1/credentials\",le=\"32.768\"} 2", metrics, StringComparison.Ordinal);
        // /metrics itself is not counted.
        Assert.DoesNotContain("endpoint=\"/metrics\"", metrics, StringComparison.Ordinal);
        Assert.Matches("(?m)^openrolesanywhere_cache_hits_total\\{source=\"default\"\\} 2$", metrics);
    }

    private static async Task<LogEvent> RequestLineAsync(RunningServer server, int status)
    {
        // The request line is written as the response completes, which may be after the client has it.
        await Eventually.TrueAsync(() => server.Logs.Raw.Any(e => IsRequestLine(e) && Equals(Scalar(e, "StatusCode"), status)), $"the {status} was logged");
        return server.Logs.Raw.Single(e => IsRequestLine(e) && Equals(Scalar(e, "StatusCode"), status));
    }

    private static bool IsRequestLine(LogEvent e) => e.MessageTemplate.Text == Template;

    private static object? Scalar(LogEvent e, string property) =>
        e.Properties.TryGetValue(property, out var value) ? Assert.IsType<ScalarValue>(value).Value : null;
}
