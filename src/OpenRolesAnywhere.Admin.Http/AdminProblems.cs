using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OpenRolesAnywhere.Core;

namespace OpenRolesAnywhere.Admin.Http;

/// <summary>
/// The one place admin failures become RFC 9457 problem details, with the same actionable message the CLI
/// prints: the route group's filter checks the token, then turns whatever a handler throws as expected
/// (<see cref="CredentialException"/>, or <see cref="BadHttpRequestException"/> for a body that is too large
/// or of the wrong type) into a problem.
/// </summary>
internal static class AdminProblems
{
    public static IResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title, type: $"https://openrolesanywhere.dev/problems/{title}");

    public static async ValueTask<object?> FilterAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (!http.RequestServices.GetRequiredService<AdminToken>().Accepts(http.Request.Headers.Authorization))
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return Problem(StatusCodes.Status401Unauthorized, "Unauthorized",
                "Send the admin token as `Authorization: Bearer <token>` (the token is in the server's admin token file).");
        }

        try
        {
            return await next(context);
        }
        catch (CredentialException e)
        {
            return Problem(StatusFor(e.Kind), e.Kind.ToString(), e.Message);
        }
        catch (BadHttpRequestException e)
        {
            return Problem(e.StatusCode, TitleFor(e.StatusCode), e.Message);
        }
    }

    private static string TitleFor(int status) => status switch
    {
        StatusCodes.Status413PayloadTooLarge => "PayloadTooLarge",
        StatusCodes.Status415UnsupportedMediaType => "UnsupportedMediaType",
        _ => nameof(CredentialErrorKind.InvalidInput),
    };

    private static int StatusFor(CredentialErrorKind kind) => kind switch
    {
        CredentialErrorKind.InvalidInput => StatusCodes.Status400BadRequest,
        CredentialErrorKind.NotFound => StatusCodes.Status404NotFound,
        CredentialErrorKind.CertificateInvalid or CredentialErrorKind.KeyNotFound or CredentialErrorKind.KeyUnsupported
            or CredentialErrorKind.KeyLocked or CredentialErrorKind.KeyMismatch => StatusCodes.Status409Conflict,
        // The server's own AWS identity was refused: the caller cannot fix that, the operator can.
        CredentialErrorKind.AccessDenied => StatusCodes.Status502BadGateway,
        CredentialErrorKind.Throttled => StatusCodes.Status429TooManyRequests,
        CredentialErrorKind.Network => StatusCodes.Status502BadGateway,
        _ => StatusCodes.Status503ServiceUnavailable,
    };
}
