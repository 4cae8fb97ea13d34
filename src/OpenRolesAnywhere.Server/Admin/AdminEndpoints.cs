using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Primitives;
using OpenRolesAnywhere.CertificateAuthority;
using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.Core.Configuration;

namespace OpenRolesAnywhere.Server.Admin;

/// <summary>
/// The admin routes under <c>/admin</c>, curl-friendly: each does what the matching <c>admin</c> command
/// does, behind a bearer token, with problem details on every error and a cap on request bodies. Map them
/// on the admin listener only (<c>RequireHost</c> on the returned group).
/// </summary>
public static class AdminEndpoints
{
    /// <summary>Every admin route is under this path.</summary>
    public const string RoutePrefix = "/admin";
    public const string PemContentType = "application/x-pem-file";
    public const string CrlContentType = "application/pkix-crl";
    public const string WarningHeader = "X-OpenRolesAnywhere-Warning";

    public static RouteGroupBuilder MapAdminEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(RoutePrefix);
        group.AddEndpointFilter(GuardAsync);

        group.MapPost("/ca", async (HttpRequest request, CertificateAuthorityAdmin admin, AdminEndpointOptions options, CancellationToken cancellationToken) =>
        {
            var (body, problem) = await ReadJsonAsync<CreateCaBody>(request, options, cancellationToken);
            if (problem is not null)
            {
                return problem;
            }

            var result = await admin.CreateCaAsync(new CreateCaRequest(
                Required(body!.Name, "name"), Required(body.KmsKeyId, "kmsKeyId"),
                Durations.Parse(Required(body.ValidityDuration, "validityDuration"), "validityDuration"),
                body.Subject.ToSubjectName(), body.SerialNumber), cancellationToken);
            return Results.Created("/admin/ca", new
            {
                result.TrustAnchorArn,
                result.KmsKeyArn,
                result.SerialNumber,
                Certificate = result.CertificatePem,
                result.ReusedCertificate,
            });
        });

        group.MapPost("/profiles", async (HttpRequest request, CertificateAuthorityAdmin admin, AdminEndpointOptions options, CancellationToken cancellationToken) =>
        {
            var (body, problem) = await ReadJsonAsync<CreateProfileBody>(request, options, cancellationToken);
            if (problem is not null)
            {
                return problem;
            }

            var profile = await admin.CreateProfileAsync(new CreateProfileRequest(
                Required(body!.Name, "name"), body.RoleArns, Durations.Parse(body.SessionDuration ?? "3600s", "sessionDuration")), cancellationToken);
            return Results.Created($"/admin/profiles/{profile.Id}", profile);
        });

        group.MapPost("/certificates", async (HttpContext context, CertificateAuthorityAdmin admin, AdminEndpointOptions options, CancellationToken cancellationToken) =>
        {
            var request = context.Request;
            AcceptRequestBody body;
            if (request.HasJsonContentType())
            {
                var (json, problem) = await ReadJsonAsync<AcceptRequestBody>(request, options, cancellationToken);
                if (problem is not null)
                {
                    return problem;
                }

                body = json!;
            }
            else
            {
                var (text, problem) = await ReadBodyAsync(request, options, cancellationToken);
                if (problem is not null)
                {
                    return problem;
                }

                body = FromQuery(request.Query) with { Request = text };
            }

            var issued = await admin.AcceptRequestAsync(new AcceptRequestRequest(
                Required(body.Request, "request"), "the request body",
                Durations.Parse(Required(body.ValidityDuration, "validityDuration"), "validityDuration"),
                body.Subject.ToSubjectName(), body.SerialNumber, body.Profile), cancellationToken);
            foreach (var warning in issued.Warnings)
            {
                context.Response.Headers.Append(WarningHeader, warning);
            }

            context.Response.Headers.Location = $"/admin/certificates/{issued.Entry.SerialNumber}";
            return Results.Text(issued.CertificatePem, PemContentType, Encoding.ASCII, StatusCodes.Status201Created);
        });

        group.MapGet("/certificates", (CertificateAuthorityAdmin admin) => Results.Ok(admin.ListCertificates()));

        group.MapPost("/certificates/{serial}/revoke", (string serial, string? reason, CertificateAuthorityAdmin admin) =>
            Results.Ok(admin.Revoke(serial, reason)));

        group.MapPost("/crl", async (string? validity, CertificateAuthorityAdmin admin, CancellationToken cancellationToken) =>
        {
            var published = await admin.PublishCrlAsync(validity is null ? null : Durations.Parse(validity, "validity"), cancellationToken);
            return Results.Ok(new { published.CrlArn, published.Imported, published.CrlNumber, published.RevokedCount });
        });

        group.MapGet("/crl", (CertificateAuthorityAdmin admin) => admin.PublishedCrlDer() is { } der
            ? Results.Bytes(der, CrlContentType)
            : AdminProblems.Problem(StatusCodes.Status404NotFound, "NotFound", "No CRL has been published yet: POST /admin/crl first."));

        return group;
    }

    /// <summary>The bearer token first, then every expected failure as problem details.</summary>
    private static async ValueTask<object?> GuardAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (!http.RequestServices.GetRequiredService<AdminToken>().Accepts(http.Request.Headers.Authorization))
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return AdminProblems.Problem(StatusCodes.Status401Unauthorized, "Unauthorized",
                "Send the admin token as `Authorization: Bearer <token>` (the token is in the file given by --admin-token-file).");
        }

        var options = http.RequestServices.GetRequiredService<AdminEndpointOptions>();
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = options.MaxRequestBytes;
        }

        try
        {
            return await next(context);
        }
        catch (CredentialException e)
        {
            return AdminProblems.From(e);
        }
    }

    private static async Task<(T? Body, IResult? Problem)> ReadJsonAsync<T>(HttpRequest request, AdminEndpointOptions options, CancellationToken cancellationToken)
        where T : class
    {
        if (!request.HasJsonContentType())
        {
            return (null, AdminProblems.Problem(StatusCodes.Status415UnsupportedMediaType, "UnsupportedMediaType", "Send the request as JSON (Content-Type: application/json)."));
        }

        var (text, problem) = await ReadBodyAsync(request, options, cancellationToken);
        if (problem is not null)
        {
            return (null, problem);
        }

        try
        {
            return (JsonSerializer.Deserialize(text!, (JsonTypeInfo<T>)AdminRequestJsonContext.Default.GetTypeInfo(typeof(T))!) ?? throw new JsonException("null"), null);
        }
        catch (JsonException e)
        {
            return (null, AdminProblems.Problem(StatusCodes.Status400BadRequest, "InvalidInput", $"The body is not the JSON this route takes: {e.Message}"));
        }
    }

    /// <summary>Reads at most the configured size; a larger body is refused with 413, whatever Content-Length said.</summary>
    private static async Task<(string? Text, IResult? Problem)> ReadBodyAsync(HttpRequest request, AdminEndpointOptions options, CancellationToken cancellationToken)
    {
        var tooLarge = AdminProblems.Problem(StatusCodes.Status413PayloadTooLarge, "PayloadTooLarge", $"The body may be at most {options.MaxRequestBytes} bytes.");
        if (request.ContentLength > options.MaxRequestBytes)
        {
            return (null, tooLarge);
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > options.MaxRequestBytes)
                {
                    return (null, tooLarge);
                }

                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, tooLarge);
        }

        try
        {
            return (new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(buffer.ToArray()), null);
        }
        catch (DecoderFallbackException)
        {
            return (null, AdminProblems.Problem(StatusCodes.Status400BadRequest, "InvalidInput", "The body is not UTF-8 text (send the PEM, not DER)."));
        }
    }

    private static AcceptRequestBody FromQuery(IQueryCollection query) => new()
    {
        ValidityDuration = Value(query, "validityDuration") ?? Value(query, "validity"),
        SerialNumber = Value(query, "serialNumber"),
        Profile = Value(query, "profile"),
        Subject = new AdminSubject
        {
            CommonName = Value(query, "commonName"),
            Organization = Value(query, "organization"),
            OrganizationUnit = Value(query, "organizationUnit"),
            Country = Value(query, "country"),
            Locality = Value(query, "locality"),
            Province = Value(query, "province"),
            StreetAddress = Value(query, "streetAddress"),
            PostalCode = Value(query, "postalCode"),
        },
    };

    private static string? Value(IQueryCollection query, string name) => query.TryGetValue(name, out var value) && !StringValues.IsNullOrEmpty(value) ? value.ToString() : null;

    private static string Required(string? value, string name) =>
        string.IsNullOrWhiteSpace(value) ? throw new CredentialException(CredentialErrorKind.InvalidInput, $"'{name}' is required.") : value;
}
