using Microsoft.Extensions.DependencyInjection;
using OpenRolesAnywhere.CertificateAuthority;

namespace OpenRolesAnywhere.Server.Admin;

public static class AdminServiceCollectionExtensions
{
    internal const string HttpClientKey = "openrolesanywhere-admin";

    /// <summary>
    /// Registers what <see cref="AdminEndpoints.MapAdminEndpoints"/> needs. Reads the token file now, so a
    /// missing or world-readable token stops the server at start rather than at the first request.
    /// </summary>
    public static IServiceCollection AddAdminEndpoints(this IServiceCollection services, AdminEndpointOptions options)
    {
        var token = AdminToken.FromFile(options.TokenFile);
        services.AddProblemDetails();
        services.AddSingleton(options);
        services.AddSingleton(token);
        services.AddKeyedSingleton(HttpClientKey, (_, _) => new HttpClient());
        services.AddSingleton(provider => new CertificateAuthorityAdmin(
            options.Store, options.Aws, provider.GetService<TimeProvider>() ?? TimeProvider.System,
            provider.GetRequiredKeyedService<HttpClient>(HttpClientKey)));
        return services;
    }
}
