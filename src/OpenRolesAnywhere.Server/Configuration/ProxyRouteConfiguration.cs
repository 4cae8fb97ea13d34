namespace OpenRolesAnywhere.Server.Configuration;

/// <summary>
/// One route of the signing proxy in the <c>--config</c> file (<c>ProxyRoutes</c>): requests whose path starts
/// with <see cref="PathPrefix"/> go, the prefix stripped, to the service, signed with <see cref="Source"/>'s credentials.
/// </summary>
public sealed class ProxyRouteConfiguration
{
    /// <summary>Whole path segments (<c>/aps</c> takes <c>/aps</c> and <c>/aps/...</c>, not <c>/apsx</c>); <c>/</c> takes every path.</summary>
    public string? PathPrefix { get; set; }

    /// <summary>The SigV4 signing name (<c>aps</c>, <c>sts</c>, <c>kms</c>...), also the metrics label.</summary>
    public string? Service { get; set; }

    public string? Region { get; set; }

    /// <summary>The configured source whose credentials sign; null: the default source.</summary>
    public string? Source { get; set; }

    /// <summary>null: <c>AWS_ENDPOINT_URL_&lt;SERVICE&gt;</c>, <c>AWS_ENDPOINT_URL</c>, then <c>https://SERVICE.REGION.amazonaws.com</c>.</summary>
    public string? Upstream { get; set; }
}
