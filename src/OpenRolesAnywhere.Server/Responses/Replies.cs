using Microsoft.AspNetCore.Http;
using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.Core.Credentials;

namespace OpenRolesAnywhere.Server.Responses;

/// <summary>The server's answers as bytes. Error messages never carry a secret: they come from <see cref="CredentialException"/> or from here.</summary>
internal static class Replies
{
    public const string JsonContentType = "application/json";

    public static IResult Ok(byte[] body, string contentType = JsonContentType) => new BytesResult(StatusCodes.Status200OK, body, contentType);

    public static IResult Json(int status, string code, string message) =>
        new BytesResult(status, CredentialJson.Error(code, message), JsonContentType);

    /// <summary>Nothing valid to hand out: 503 with the reason (agent locked, certificate expired, access denied...).</summary>
    public static IResult Unavailable(CredentialException failure) =>
        Json(StatusCodes.Status503ServiceUnavailable, failure.Kind.ToString(), failure.Message);

    /// <summary>The source's credentials in the form <paramref name="answer"/> writes, or 503 with the reason.</summary>
    public static async Task<IResult> FromCacheAsync(CredentialCache cache, ICredentialSource source, Func<CachedCredentials, IResult> answer, CancellationToken cancellationToken)
    {
        try
        {
            return answer(await cache.GetAsync(source, cancellationToken));
        }
        catch (CredentialException e)
        {
            return Unavailable(e);
        }
    }

    public static IResult UnknownSource(string name, IEnumerable<string> known) =>
        Json(StatusCodes.Status404NotFound, "NotFound", $"No credential source is named '{name}'. Configured: {string.Join(", ", known)}.");

    /// <summary>Writes the answer at once: the cache-hit path uses it without an <see cref="IResult"/> to allocate.</summary>
    public static Task WriteAsync(HttpContext context, int status, byte[] body, string contentType = JsonContentType)
    {
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = contentType;
        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body).AsTask();
    }

    private sealed class BytesResult(int status, byte[] body, string contentType) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext) => WriteAsync(httpContext, status, body, contentType);
    }
}
