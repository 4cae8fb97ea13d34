using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Serilog.Core;
using Serilog.Events;
using Serilog.Parsing;

namespace OpenRolesAnywhere.Server.Logging;

/// <summary>
/// One line per request, as Serilog's request logging wrote it (its template, properties and source context, which
/// log filters may name, and the request id ASP.NET Core's request scope added), at <see cref="ServerLogging.RequestLevel"/>'s
/// level. Unlike Serilog's middleware it opens no diagnostic context per request (nothing here sets one) and builds the
/// event only when the level is enabled: a busy server answers thousands of cache hits a second whose Debug line nobody reads.
/// </summary>
internal static class RequestLog
{
    public const string SourceContext = "Serilog.AspNetCore.RequestLoggingMiddleware";

    private static readonly MessageTemplate Template = new MessageTemplateParser().Parse("HTTP {RequestMethod} {RequestPath} responded {StatusCode} in {Elapsed:0.0000} ms");

    public static IApplicationBuilder UseRequestLog(this IApplicationBuilder app, Serilog.ILogger logger)
    {
        var log = logger.ForContext(Constants.SourceContextPropertyName, SourceContext);
        return app.Use(next => async context =>
        {
            var start = Stopwatch.GetTimestamp();
            try
            {
                await next(context);
            }
            // Written from the filter, before unwinding, and never caught: Kestrel still answers 500 and logs the exception.
            catch (Exception e) when (Write(log, context, StatusCodes.Status500InternalServerError, start, e))
            {
            }

            Write(log, context, context.Response.StatusCode, start, null);
        });
    }

    /// <summary>Always false (for the exception filter).</summary>
    private static bool Write(Serilog.ILogger log, HttpContext context, int status, long start, Exception? exception)
    {
        var level = ServerLogging.RequestLevel(context, status, exception);
        if (!log.IsEnabled(level))
        {
            return false;
        }

        var elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        var path = context.Request.Path.Value;
        var activity = Activity.Current;
        log.Write(new LogEvent(DateTimeOffset.Now, level, exception, Template,
            [
                new LogEventProperty("RequestMethod", new ScalarValue(context.Request.Method)),
                new LogEventProperty("RequestPath", new ScalarValue(string.IsNullOrEmpty(path) ? "" : path)),
                new LogEventProperty("StatusCode", new ScalarValue(status)),
                new LogEventProperty("Elapsed", new ScalarValue(elapsed)),
                new LogEventProperty("RequestId", new ScalarValue(context.TraceIdentifier)),
            ],
            activity?.TraceId ?? default, activity?.SpanId ?? default));
        return false;
    }
}
