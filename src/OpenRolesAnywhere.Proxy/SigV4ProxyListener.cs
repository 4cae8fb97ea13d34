using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OpenRolesAnywhere.Server;
using OpenRolesAnywhere.Server.Hosting;

namespace OpenRolesAnywhere.Proxy;

/// <summary>
/// The signing proxy as the credential server's side listener: every path on its own socket is forwarded
/// (no credential route answers there), with the server's request guard (loopback peers unless
/// <c>--allow-remote</c>, <c>Host</c>) and its one cache. <c>serve --proxy-listen</c> adds one beside the
/// credential listeners; <c>openrolesanywhere proxy</c> runs only this one.
/// </summary>
/// <param name="proxy">The flags' one route at <c>/</c>; null: the routes are the config file's <c>ProxyRoutes</c>.</param>
public sealed class SigV4ProxyListener(ListenAddress address, SigV4ProxyOptions? proxy) : ISideListener
{
    public ListenAddress Address => address;

    public string? PathPrefix => null;

    /// <summary>The first bound; with the config's routes (not known yet when Kestrel is set up) each route refuses above its own.</summary>
    public long MaxRequestBytes => proxy is { SignsPayload: true } ? proxy.MaxBodyBytes : SigV4ProxyOptions.MaxStreamedBodyBytes;

    public void Validate(ServeOptions options, IReadOnlyList<ListenAddress> credentialAddresses) =>
        SideListenerAddress.Check("proxy listener", address, options, credentialAddresses, ", and signs as your role for anyone who reaches it");

    public void AddServices(IServiceCollection services) => services.AddSigV4Proxy(proxy);

    public IEndpointConventionBuilder MapRoutes(IEndpointRouteBuilder routes) => routes.MapSigV4Proxy();

    public Task RefuseAsync(HttpContext context, int status, string title, string detail) => ProxyReplies.WriteAsync(context, status, detail);
}
