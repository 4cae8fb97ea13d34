using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OpenRolesAnywhere.CertificateAuthority;
using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.Core.Configuration;

namespace OpenRolesAnywhere.Admin.Http;

/// <summary>
/// The admin routes under <c>/admin</c>, curl-friendly: each runs the same operation class as the matching
/// <c>admin</c> command, behind a bearer token, with problem details on every error and a cap on request
/// bodies. Handlers only throw; <see cref="AdminProblems.FilterAsync"/> answers. <c>serve</c> maps them on
/// the admin listener only (<see cref="AdminListener"/>).
/// </summary>
public static partial class AdminEndpoints
{
    /// <summary>Every admin route is under this path.</summary>
    public const string RoutePrefix = "/admin";
    public const string PemContentType = "application/x-pem-file";
    public const string CrlContentType = "application/pkix-crl";
    public const string WarningHeader = "X-OpenRolesAnywhere-Warning";

    public static RouteGroupBuilder MapAdminEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(RoutePrefix);
        group.AddEndpointFilter(AdminProblems.FilterAsync);
        group.MapPost("/ca", CreateCaAsync);
        group.MapPost("/profiles", CreateProfileAsync);
        group.MapPost("/certificates", AcceptRequestAsync);
        group.MapGet("/certificates", (ListCertificates list, string? expiring) =>
            TypedResults.Json(list.Run(expiring is null ? null : Durations.ParseWindow(expiring, "expiring")), AdminJson.Default.IReadOnlyListLedgerEntry));
        group.MapPost("/certificates/{serial}/revoke", (string serial, string? reason, RevokeCertificate revoke) =>
            TypedResults.Json(revoke.Run(serial, reason), AdminJson.Default.LedgerEntry));
        group.MapPost("/crl", PublishCrlAsync);
        group.MapGet("/crl", (PublishCrl publish) => TypedResults.Bytes(publish.Latest()
            ?? throw new CredentialException(CredentialErrorKind.NotFound, "No CRL has been published yet: POST /admin/crl first."), CrlContentType));
        MapProfileSettings(group);
        MapTrustAnchors(group);
        return group;
    }

    private static async Task<IResult> CreateCaAsync(HttpContext context, CreateCa createCa, AdminEndpointOptions options, CancellationToken cancellationToken)
    {
        var body = await AdminBody.ReadJsonAsync(context.Request, AdminJson.Default.CreateCaBody, options.MaxRequestBytes, cancellationToken);
        var result = await createCa.RunAsync(new CreateCaRequest(
            AdminBody.Required(body.Name, "name"), body.KmsKeyId,
            Durations.Parse(AdminBody.Required(body.ValidityDuration, "validityDuration"), "validityDuration"),
            body.Subject.ToSubjectName(), body.SerialNumber, body.Key()), cancellationToken);
        context.Response.Headers.Location = "/admin/ca";
        return TypedResults.Json(
            new CreateCaResponse(result.TrustAnchorArn, result.KmsKeyArn, result.SerialNumber, result.CertificatePem, result.ReusedCertificate, result.CaKey, result.Warnings),
            AdminJson.Default.CreateCaResponse, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> CreateProfileAsync(HttpContext context, CreateProfile createProfile, AdminEndpointOptions options, CancellationToken cancellationToken)
    {
        var body = await AdminBody.ReadJsonAsync(context.Request, AdminJson.Default.CreateProfileBody, options.MaxRequestBytes, cancellationToken);
        var profile = await createProfile.RunAsync(new CreateProfileRequest(
            AdminBody.Required(body.Name, "name"), body.RoleArns, Durations.Parse(body.SessionDuration ?? "3600s", "sessionDuration"))
        {
            Settings = body.Settings,
            RequireInstanceProperties = body.RequireInstanceProperties,
            Enabled = body.Enabled,
        }, cancellationToken);
        context.Response.Headers.Location = $"/admin/profiles/{profile.Id}";
        return TypedResults.Json(profile, AdminJson.Default.ProfileSummary, statusCode: StatusCodes.Status201Created);
    }

    /// <summary>The CSR as JSON, or as the raw body (curl --data-binary @req.pem) with the other fields in the query.</summary>
    private static async Task<IResult> AcceptRequestAsync(HttpContext context, AcceptRequest accept, AdminEndpointOptions options, CancellationToken cancellationToken)
    {
        var request = context.Request;
        var body = request.HasJsonContentType()
            ? await AdminBody.ReadJsonAsync(request, AdminJson.Default.AcceptRequestBody, options.MaxRequestBytes, cancellationToken)
            : FromQuery(request.Query) with { Request = await AdminBody.ReadTextAsync(request, options.MaxRequestBytes, cancellationToken) };
        var issued = await accept.RunAsync(new AcceptRequestRequest(
            AdminBody.Required(body.Request, "request"), "the request body",
            Durations.Parse(AdminBody.Required(body.ValidityDuration, "validityDuration"), "validityDuration"),
            body.Subject.ToSubjectName(), body.SerialNumber, body.Profile), cancellationToken);
        foreach (var warning in issued.Warnings)
        {
            context.Response.Headers.Append(WarningHeader, warning);
        }

        context.Response.Headers.Location = $"/admin/certificates/{issued.Entry.SerialNumber}";
        return TypedResults.Text(issued.CertificatePem, PemContentType, Encoding.ASCII, StatusCodes.Status201Created);
    }

    private static async Task<IResult> PublishCrlAsync(string? validity, PublishCrl publish, CancellationToken cancellationToken)
    {
        var published = await publish.RunAsync(validity is null ? null : Durations.Parse(validity, "validity"), cancellationToken);
        return TypedResults.Json(
            new PublishCrlResponse(published.CrlArn, published.Imported, published.CrlNumber, published.RevokedCount), AdminJson.Default.PublishCrlResponse);
    }

    private static AcceptRequestBody FromQuery(IQueryCollection query) => new()
    {
        ValidityDuration = AdminBody.Query(query, "validityDuration") ?? AdminBody.Query(query, "validity"),
        SerialNumber = AdminBody.Query(query, "serialNumber"),
        Profile = AdminBody.Query(query, "profile"),
        Subject = new AdminSubject
        {
            CommonName = AdminBody.Query(query, "commonName"),
            Organization = AdminBody.Query(query, "organization"),
            OrganizationUnit = AdminBody.Query(query, "organizationUnit"),
            Country = AdminBody.Query(query, "country"),
            Locality = AdminBody.Query(query, "locality"),
            Province = AdminBody.Query(query, "province"),
            StreetAddress = AdminBody.Query(query, "streetAddress"),
            PostalCode = AdminBody.Query(query, "postalCode"),
        },
    };
}
