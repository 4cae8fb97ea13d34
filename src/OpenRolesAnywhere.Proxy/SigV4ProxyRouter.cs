using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.Core.Aws;
using OpenRolesAnywhere.Core.RolesAnywhere;
using OpenRolesAnywhere.Server;
using OpenRolesAnywhere.Server.Configuration;
using Yarp.ReverseProxy.Forwarder;

namespace OpenRolesAnywhere.Proxy;

/// <summary>
/// The proxy's routes: the flags' one route at <c>/</c>, or the config file's <c>ProxyRoutes</c> (validated with
/// the sources, prefixes never overlapping). A request goes to the route whose prefix its path starts with,
/// the prefix moved to <c>PathBase</c> so the upstream sees AWS's own path; no route: 404.
/// </summary>
internal sealed class SigV4ProxyRouter : IDisposable
{
    /// <summary>The metrics label of requests no route took.</summary>
    public const string Unrouted = "none";

    private readonly (PathString Prefix, SigV4Proxy Proxy)[] _routes;
    private readonly ProxyMetrics _metrics;

    public SigV4ProxyRouter(FlagRoute flags, IOptions<ServeConfiguration> configuration, ServeOptions serve, ServedCredentials credentials,
        IHttpForwarder forwarder, ProxyMetrics metrics, TimeProvider time, ILogger<SigV4Proxy> logger)
    {
        Routes = RoutesFrom(flags.Options, configuration.Value, serve.Environment);
        _routes = [.. Routes.Select(r => (ProxyRouteValidation.Normalize(r.PathPrefix), new SigV4Proxy(r, credentials, forwarder, metrics, time, logger)))];
        _metrics = metrics;
    }

    public IReadOnlyList<SigV4ProxyOptions> Routes { get; }

    public Task ForwardAsync(HttpContext context)
    {
        foreach (var (prefix, proxy) in _routes)
        {
            if (context.Request.Path.StartsWithSegments(prefix, out var rest))
            {
                context.Request.PathBase = context.Request.PathBase.Add(prefix);
                context.Request.Path = rest;
                return proxy.ForwardAsync(context);
            }
        }

        _metrics.Proxied(Unrouted, StatusCodes.Status404NotFound);
        return ProxyReplies.WriteAsync(context, StatusCodes.Status404NotFound,
            $"No route takes the path '{SourceFieldRules.Printable(context.Request.Path.Value ?? "")}': the routes are {string.Join(", ", Routes.Select(r => r.PathPrefix))} (ProxyRoutes in the --config file).");
    }

    public void Dispose()
    {
        foreach (var (_, proxy) in _routes)
        {
            proxy.Dispose();
        }
    }

    private static IReadOnlyList<SigV4ProxyOptions> RoutesFrom(SigV4ProxyOptions? flags, ServeConfiguration configuration, Func<string, string?>? environment)
    {
        if (flags is not null)
        {
            return configuration.ProxyRoutes.Count == 0 ? [flags]
                : throw Usage("The proxy's flags (--service...) and \"ProxyRoutes\" in the --config file both give routes: use one or the other.");
        }

        if (configuration.ProxyRoutes.Count == 0)
        {
            throw Usage("The proxy has no route: give --service and --region (serve: --proxy-service, --proxy-region), or list \"ProxyRoutes\" in the --config file.");
        }

        // Validated with the sources at start: every field used here is present and well-formed.
        return [.. configuration.ProxyRoutes.Select(r => new SigV4ProxyOptions
        {
            PathPrefix = r.PathPrefix!,
            Service = r.Service!,
            Region = r.Region!,
            Source = r.Source,
            Upstream = AwsEndpoint.Resolve(new AwsService(r.Service!, r.Service!), r.Upstream, r.Region!, environment),
        })];
    }

    private static CredentialException Usage(string message) => new(CredentialErrorKind.InvalidInput, message);

    /// <summary>The route the flags gave, if any (a wrapper: DI cannot hold a null singleton).</summary>
    internal sealed record FlagRoute(SigV4ProxyOptions? Options);
}
