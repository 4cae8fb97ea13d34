using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OpenRolesAnywhere.Core.Credentials;
using OpenRolesAnywhere.Server.Configuration;
using OpenRolesAnywhere.Server.Responses;

namespace OpenRolesAnywhere.Server.Health;

/// <summary>
/// <c>GET /healthz</c>: 200 while the process serves (liveness), with each source's state. <c>status</c>
/// is <c>ok</c> when every source holds valid credentials, else <c>degraded</c>. No secrets: the region, the credentials'
/// and the certificate's expiry (as of the last good fetch) and the last failure's kind and message only.
/// </summary>
internal static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", (CredentialSources sources, CredentialCache cache, TimeProvider time) =>
        {
            var now = time.GetUtcNow();
            var statuses = sources.All.Select(s => (Status: cache.Status(s), s.Region)).ToList();
            var body = CredentialJson.Write(writer =>
            {
                writer.WriteString("status", statuses.All(s => s.Status.HasValidCredentials) ? "ok" : "degraded");
                writer.WriteStartArray("sources");
                foreach (var (status, region) in statuses)
                {
                    writer.WriteStartObject();
                    writer.WriteString("name", status.Name);
                    writer.WriteBoolean("default", status.Name == sources.Default.Name);
                    if (region is not null)
                    {
                        writer.WriteString("region", region);
                    }

                    writer.WriteBoolean("valid", status.HasValidCredentials);
                    if (status.Expiration is { } expiration)
                    {
                        writer.WriteString("expiration", CredentialTimestamp.Format(expiration));
                        writer.WriteNumber("expiresInSeconds", Math.Floor((expiration - now).TotalSeconds));
                    }

                    if (status.CertificateExpiration is { } notAfter)
                    {
                        writer.WriteString("certificateExpiration", CredentialTimestamp.Format(notAfter));
                        writer.WriteNumber("certificateExpiresInSeconds", Math.Floor((notAfter - now).TotalSeconds));
                    }

                    if (status.LastErrorKind is { } kind)
                    {
                        writer.WriteString("lastErrorKind", kind.ToString());
                        writer.WriteString("lastError", status.LastError);
                    }

                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
            });
            return Replies.Ok(body);
        });
        return app;
    }
}
