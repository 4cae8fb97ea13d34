using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OpenRolesAnywhere.Server;
using OpenRolesAnywhere.Server.Hosting;

namespace OpenRolesAnywhere.Admin.Http;

/// <summary>
/// The admin routes as the credential server's side listener: <c>serve --admin-listen</c> passes one to
/// <see cref="CredentialServer.Build"/>, which binds it apart from the credential listeners.
/// </summary>
public sealed class AdminListener(ListenAddress address, AdminEndpointOptions admin) : ISideListener
{
    public ListenAddress Address => address;

    public string PathPrefix => AdminEndpoints.RoutePrefix;

    public long MaxRequestBytes => admin.MaxRequestBytes;

    public void Validate(ServeOptions options, IReadOnlyList<ListenAddress> credentialAddresses) =>
        SideListenerAddress.Check("admin listener", address, options, credentialAddresses, " (put a TLS proxy in front: the admin token travels in every request)");

    public void AddServices(IServiceCollection services) => services.AddAdminEndpoints(admin);

    public IEndpointConventionBuilder MapRoutes(IEndpointRouteBuilder routes) => routes.MapAdminEndpoints();

    public Task RefuseAsync(HttpContext context, int status, string title, string detail) =>
        AdminProblems.Problem(status, title, detail).ExecuteAsync(context);
}
