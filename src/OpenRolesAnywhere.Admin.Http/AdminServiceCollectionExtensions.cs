using Microsoft.Extensions.DependencyInjection;
using OpenRolesAnywhere.CertificateAuthority;

namespace OpenRolesAnywhere.Admin.Http;

public static class AdminServiceCollectionExtensions
{
    private const string HttpClientKey = "openrolesanywhere-admin";

    /// <summary>
    /// Registers what <see cref="AdminEndpoints.MapAdminEndpoints"/> needs: the token, the CA context and one
    /// instance of each operation. Reads the token file now, so a missing or world-readable token stops the
    /// server at start rather than at the first request.
    /// </summary>
    public static IServiceCollection AddAdminEndpoints(this IServiceCollection services, AdminEndpointOptions options)
    {
        var token = AdminToken.FromFile(options.TokenFile);
        services.AddProblemDetails();
        services.AddSingleton(options);
        services.AddSingleton(token);
        services.AddKeyedSingleton(HttpClientKey, (_, _) => new HttpClient());
        services.AddSingleton(provider => new CaContext(
            options.Store, options.Aws, provider.GetService<TimeProvider>() ?? TimeProvider.System, provider.GetRequiredKeyedService<HttpClient>(HttpClientKey),
            keys: options.Keys));
        services.AddSingleton<CreateCa>();
        services.AddSingleton<CreateProfile>();
        services.AddSingleton<AcceptRequest>();
        services.AddSingleton<ListCertificates>();
        services.AddSingleton<RevokeCertificate>();
        services.AddSingleton<PublishCrl>();
        services.AddSingleton<UpdateProfile>();
        services.AddSingleton<ShowProfile>();
        services.AddSingleton<PutAttributeMapping>();
        services.AddSingleton<DeleteAttributeMapping>();
        services.AddSingleton<PutNotificationSettings>();
        services.AddSingleton<ResetNotificationSettings>();
        services.AddSingleton<ListTrustAnchors>();
        services.AddSingleton<SetTrustAnchorEnabled>();
        services.AddSingleton<DeleteTrustAnchor>();
        return services;
    }
}
