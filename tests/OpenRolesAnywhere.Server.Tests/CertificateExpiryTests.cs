using Microsoft.Extensions.Time.Testing;
using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.TestCommon;
using Serilog.Events;

namespace OpenRolesAnywhere.Server.Tests;

/// <summary>Each source's certificate expiry, as its fetches report it, in /healthz, /metrics and the log (on a fake clock).</summary>
public sealed class CertificateExpiryTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 11, 24, 5, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Start);
    private RunningServer _server = null!;

    public async Task InitializeAsync() => _server = await RunningServer.StartAsync(_time, arrange: s =>
    {
        s["default"].CertificateExpiration = Start.AddDays(45);
        s["denied"].CertificateExpiration = Start.AddDays(3);
        s["denied"].Failure = new CredentialException(CredentialErrorKind.AccessDenied, "The role is not allowed: is it listed in the profile?");
    }, extraSources: ["denied"]);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private Task WarmAsync() => Eventually.TrueAsync(() => _server.Default.Calls > 0 && _server.Sources["denied"].Calls > 0 &&
        _server.Logs.Events.Any(e => e.Contains("Fetched credentials", StringComparison.Ordinal)), "the warm-up fetches ran");

    private List<LogEvent> ExpiryEvents(string source) => _server.Logs.Raw
        .Where(e => e.MessageTemplate.Text.StartsWith("The certificate of", StringComparison.Ordinal) && e.Properties["Source"].ToString() == $"\"{source}\"")
        .ToList();

    private static double DaysLeft(LogEvent e) => (double)((ScalarValue)e.Properties["DaysLeft"]).Value!;

    /// <summary>Moves the clock in steps, each letting the cache's refreshes (timers on this clock) run.</summary>
    private async Task AdvanceAsync(TimeSpan by)
    {
        for (var left = by; left > TimeSpan.Zero; left -= TimeSpan.FromHours(12))
        {
            _time.Advance(left < TimeSpan.FromHours(12) ? left : TimeSpan.FromHours(12));
            await Task.Delay(5);
        }
    }

    [Fact]
    public async Task Healthz_SourceWithCertificate_ReportsItsExpiryAndSecondsLeft()
    {
        await WarmAsync();

        using var json = JsonDocument.Parse(await _server.Client.GetStringAsync("/healthz"));

        var sources = json.RootElement.GetProperty("sources").EnumerateArray().ToDictionary(s => s.GetProperty("name").GetString()!);
        Assert.Equal("2027-01-08T05:00:00Z", sources["default"].GetProperty("certificateExpiration").GetString());
        Assert.Equal(45 * 86400, sources["default"].GetProperty("certificateExpiresInSeconds").GetDouble());
        // A source that never fetched has no certificate report: it is not invented from a file read per request.
        Assert.False(sources["denied"].TryGetProperty("certificateExpiration", out _));
    }

    [Fact]
    public async Task Metrics_SourceWithCertificate_ExportsSecondsUntilItExpires()
    {
        await WarmAsync();
        _time.Advance(TimeSpan.FromSeconds(10));

        var metrics = await _server.Client.GetStringAsync("/metrics");

        Assert.Matches(@"openrolesanywhere_certificate_expiry_seconds\{source=""default""\} 3887990\b", metrics);
        Assert.DoesNotMatch(@"openrolesanywhere_certificate_expiry_seconds\{source=""denied""\}", metrics);
    }

    [Fact]
    public async Task Log_CertificateNearingItsEnd_WarnsAt30And7And1DaysOnceEachThenErrsAtTheEnd()
    {
        await WarmAsync();
        var seen = Assert.Single(ExpiryEvents("default"));
        Assert.Equal(LogEventLevel.Information, seen.Level);
        Assert.Contains("in 45 days", seen.RenderMessage(), StringComparison.Ordinal);

        // 15 days 1 hour: many refreshes, no warning yet; then across 30 days left.
        await AdvanceAsync(TimeSpan.FromDays(15) - TimeSpan.FromHours(1));
        Assert.Single(ExpiryEvents("default"));
        await AdvanceAsync(TimeSpan.FromHours(2));
        await Eventually.TrueAsync(() => ExpiryEvents("default").Count == 2, "the 30-day warning");
        await AdvanceAsync(TimeSpan.FromDays(23));
        await Eventually.TrueAsync(() => ExpiryEvents("default").Count == 3, "the 7-day warning");
        await AdvanceAsync(TimeSpan.FromDays(6));
        await Eventually.TrueAsync(() => ExpiryEvents("default").Count == 4, "the 1-day warning");
        await AdvanceAsync(TimeSpan.FromDays(1));
        await Eventually.TrueAsync(() => ExpiryEvents("default").Count == 5, "the error at the end");
        await AdvanceAsync(TimeSpan.FromDays(2));

        var events = ExpiryEvents("default");
        Assert.Equal([LogEventLevel.Information, LogEventLevel.Warning, LogEventLevel.Warning, LogEventLevel.Warning, LogEventLevel.Error], events.Select(e => e.Level));
        // Each warning when its threshold was crossed (the clock moves in steps of at most 12 h).
        Assert.InRange(DaysLeft(events[1]), 29.5, 30);
        Assert.InRange(DaysLeft(events[2]), 6.5, 7);
        Assert.InRange(DaysLeft(events[3]), 0.5, 1);
        Assert.Contains("expired at 2027-01-08 05:00:00Z", events[4].RenderMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Log_CertificateFirstSeenWithThreeDaysLeft_WarnsOnceAtOnceThenAtOneDay()
    {
        _server.Sources["denied"].Failure = null;
        _time.Advance(TimeSpan.FromSeconds(20)); // past the warm-up failure's back-off
        await Eventually.TrueAsync(() => ExpiryEvents("denied").Count == 2, "the first fetch's report and warning");

        var events = ExpiryEvents("denied");
        Assert.Equal([LogEventLevel.Information, LogEventLevel.Warning], events.Select(e => e.Level));
        Assert.InRange(DaysLeft(events[1]), 2.99, 3);
        await AdvanceAsync(TimeSpan.FromDays(1.9));
        Assert.Equal(2, ExpiryEvents("denied").Count);
        await AdvanceAsync(TimeSpan.FromDays(0.2));
        await Eventually.TrueAsync(() => ExpiryEvents("denied").Count == 3, "the 1-day warning");
    }

    [Fact]
    public async Task Log_CertificateRenewed_ReportsTheNewOneAndWarnsNoMoreAboutTheOld()
    {
        await WarmAsync();
        await AdvanceAsync(TimeSpan.FromDays(16));
        await Eventually.TrueAsync(() => ExpiryEvents("default").Count == 2, "the 30-day warning");

        _server.Default.CertificateExpiration = Start.AddDays(400);
        // The next refresh (at most an hour away) brings the renewed certificate.
        await AdvanceAsync(TimeSpan.FromHours(1));
        await Eventually.TrueAsync(() => ExpiryEvents("default").Count == 3, "the renewed certificate's report");
        await AdvanceAsync(TimeSpan.FromDays(30));

        var events = ExpiryEvents("default");
        Assert.Equal(3, events.Count);
        Assert.Equal(LogEventLevel.Information, events[2].Level);
        Assert.Contains("2027-12-29", events[2].RenderMessage(), StringComparison.Ordinal);
    }
}
