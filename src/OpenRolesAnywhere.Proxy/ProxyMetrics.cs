using System.Globalization;
using Prometheus;

namespace OpenRolesAnywhere.Proxy;

/// <summary>The proxy's counter, in the server's registry (its <c>/metrics</c>). Labels: the service and the status answered.</summary>
internal sealed class ProxyMetrics(IMetricFactory factory)
{
    private readonly Counter _requests = factory.CreateCounter(
        "openrolesanywhere_proxy_requests_total", "Requests the signing proxy answered, by service and HTTP status (the upstream's, or the proxy's own refusal).", ["service", "status"]);

    public void Proxied(string service, int status) => _requests.WithLabels(service, status.ToString(CultureInfo.InvariantCulture)).Inc();
}
