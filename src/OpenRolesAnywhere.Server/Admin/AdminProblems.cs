using Microsoft.AspNetCore.Http;
using OpenRolesAnywhere.Core;

namespace OpenRolesAnywhere.Server.Admin;

/// <summary>Every admin failure as RFC 9457 problem details, with the same actionable message the CLI prints.</summary>
internal static class AdminProblems
{
    public static IResult From(CredentialException e) => Problem(StatusFor(e.Kind), e.Kind.ToString(), e.Message);

    public static IResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title, type: $"https://openrolesanywhere.dev/problems/{title}");

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
