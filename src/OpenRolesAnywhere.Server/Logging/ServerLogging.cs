using Microsoft.AspNetCore.Http;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace OpenRolesAnywhere.Server.Logging;

/// <summary>Serilog for the server: human lines by default, one JSON object per line for containers.</summary>
internal static class ServerLogging
{
    private const string HumanTemplate = "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj}{NewLine}{Exception}";

    public static LoggerConfiguration Configure(LoggerConfiguration configuration, LogFormat format, Action<LoggerConfiguration>? sinks)
    {
        configuration
            .MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
            // Its start lines repeat ours ("Now listening on") or say nothing to a user (content root, environment).
            .MinimumLevel.Override("Microsoft.Hosting.Lifetime", LogEventLevel.Warning)
            // Off, not Warning: while this logger is on at any level, ASP.NET Core starts an Activity (a random trace id) and a
            // log scope for every request, over 1 us of a cache hit's CPU in a profile. It writes nothing we keep (request lines
            // below Warning, and a failed start, which the caller reports); the request id it put on the request log line
            // and on refusals is added there instead (RequestLog, Log.RequestScope).
            .MinimumLevel.Override("Microsoft.AspNetCore.Hosting.Diagnostics", LevelAlias.Off)
            // YARP logs every forwarded request at Information; the proxy logs its failures itself.
            .MinimumLevel.Override("Yarp", LogEventLevel.Warning)
            // A failed start is reported once, by the caller, with advice; not again here with a stack trace.
            .MinimumLevel.Override("Microsoft.Extensions.Hosting.Internal.Host", LogEventLevel.Fatal)
            .Enrich.FromLogContext()
            // Last: escapes what the enrichers before it added too.
            .Enrich.With<ControlCharacterEscaper>();
        if (sinks is not null)
        {
            sinks(configuration);
        }
        else if (format == LogFormat.Json)
        {
            configuration.WriteTo.Console(new RenderedCompactJsonFormatter(), standardErrorFromLevel: LogEventLevel.Verbose);
        }
        else
        {
            configuration.WriteTo.Console(outputTemplate: HumanTemplate, standardErrorFromLevel: LogEventLevel.Verbose, formatProvider: System.Globalization.CultureInfo.InvariantCulture);
        }

        return configuration;
    }

    /// <summary>
    /// Request log level: successes at Debug (a busy server answers thousands a second from cache), and so
    /// clients that timed out or left (408, 499: <see cref="ClientFailures"/>), which anyone can cause in
    /// any number; refusals and errors above. The request logger records method, path (no query) and
    /// status: no headers.
    /// </summary>
    /// <remarks>A local lookup miss (<see cref="LocalSocket.LocalCredentialsEndpoints.IsLookupMiss"/>) is a
    /// <c>credential-process</c> for a source this server does not have, which then signs itself: normal, Debug.</remarks>
    public static LogEventLevel RequestLevel(HttpContext context, int status, Exception? exception) =>
        RequestLevel(status, exception) is var level && level > LogEventLevel.Debug && exception is null && LocalSocket.LocalCredentialsEndpoints.IsLookupMiss(context)
            ? LogEventLevel.Debug : level;

    private static LogEventLevel RequestLevel(int status, Exception? exception) =>
        exception is not null || status >= 500 ? LogEventLevel.Error
        : status is StatusCodes.Status408RequestTimeout or ClientFailures.ClientClosedRequest ? LogEventLevel.Debug
        : status >= 400 ? LogEventLevel.Warning
        : LogEventLevel.Debug;
}
