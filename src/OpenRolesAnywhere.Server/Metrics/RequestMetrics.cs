using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Prometheus;

namespace OpenRolesAnywhere.Server.Metrics;

/// <summary>
/// The request-duration histogram prometheus-net's <c>UseHttpMetrics</c> kept (its name, help, labels, buckets, and
/// <c>/metrics</c> itself not counted), without its per-request cost: it built a label array and a status string and
/// looked the labelled child up on every request; here the child is found by (endpoint, method, status) in a
/// dictionary of its own. <c>controller</c> and <c>action</c> stay empty as they were: no route here has such values (no MVC).
/// </summary>
internal static class RequestMetrics
{
    public static IApplicationBuilder UseRequestMetrics(this IApplicationBuilder app, IMetricFactory factory)
    {
        var histogram = factory.CreateHistogram("http_request_duration_seconds", "The duration of HTTP requests processed by an ASP.NET Core application.",
            ["code", "method", "controller", "action", "endpoint"], new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.001, 2, 16) });
        var children = new ConcurrentDictionary<Key, Histogram.Child>(KeyComparer.Instance);
        return app.Use(next => context => context.Request.Path == "/metrics" ? next(context) : ObserveAsync(next, context, histogram, children));
    }

    private static async Task ObserveAsync(RequestDelegate next, HttpContext context, Histogram histogram, ConcurrentDictionary<Key, Histogram.Child> children)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            await next(context);
        }
        finally
        {
            var key = new Key(context.GetEndpoint(), context.Request.Method, context.Response.StatusCode);
            var child = children.GetOrAdd(key, static (key, histogram) => histogram.WithLabels(key.Status.ToString(CultureInfo.InvariantCulture), key.Method, "", "",
                (key.Endpoint as RouteEndpoint)?.RoutePattern.RawText ?? ""), histogram);
            child.Observe(Stopwatch.GetElapsedTime(start).TotalSeconds);
        }
    }

    private readonly record struct Key(Endpoint? Endpoint, string Method, int Status);

    /// <summary>Endpoints by reference, methods by value (any string a client sends); no generic comparers per field.</summary>
    private sealed class KeyComparer : IEqualityComparer<Key>
    {
        public static readonly KeyComparer Instance = new();

        public bool Equals(Key x, Key y) => ReferenceEquals(x.Endpoint, y.Endpoint) && x.Status == y.Status &&
            (ReferenceEquals(x.Method, y.Method) || string.Equals(x.Method, y.Method, StringComparison.Ordinal));

        public int GetHashCode(Key key) => HashCode.Combine(key.Endpoint is null ? 0 : RuntimeHelpers.GetHashCode(key.Endpoint), key.Status, key.Method.GetHashCode(StringComparison.Ordinal));
    }
}
