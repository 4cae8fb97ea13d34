using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;
using OpenRolesAnywhere.Core;

namespace OpenRolesAnywhere.Admin.Http;

/// <summary>Request bodies and parameters of the admin routes; every bad input is thrown for the filter to answer.</summary>
internal static class AdminBody
{
    private const int ChunkBytes = 8192;

    /// <exception cref="BadHttpRequestException">Not JSON (415) or too large (413).</exception>
    /// <exception cref="CredentialException">Not the JSON the route takes.</exception>
    public static async Task<T> ReadJsonAsync<T>(HttpRequest request, JsonTypeInfo<T> type, long maxBytes, CancellationToken cancellationToken)
        where T : class
    {
        if (!request.HasJsonContentType())
        {
            throw new BadHttpRequestException("Send the request as JSON (Content-Type: application/json).", StatusCodes.Status415UnsupportedMediaType);
        }

        var text = await ReadTextAsync(request, maxBytes, cancellationToken);
        try
        {
            return JsonSerializer.Deserialize(text, type) ?? throw new JsonException("null");
        }
        catch (JsonException e)
        {
            throw new CredentialException(CredentialErrorKind.InvalidInput, $"The body is not the JSON this route takes: {e.Message}", e);
        }
    }

    /// <summary>Reads at most <paramref name="maxBytes"/>; a larger body is refused with 413, whatever Content-Length said.</summary>
    public static async Task<string> ReadTextAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        var tooLarge = new BadHttpRequestException($"The body may be at most {maxBytes} bytes.", StatusCodes.Status413PayloadTooLarge);
        if (request.ContentLength > maxBytes)
        {
            throw tooLarge;
        }

        // Kestrel's own limit is the credential listeners' few bytes; this route reads up to its own.
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = maxBytes;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[ChunkBytes];
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > maxBytes)
                {
                    throw tooLarge;
                }

                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge && e != tooLarge)
        {
            throw tooLarge;
        }

        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(buffer.ToArray());
        }
        catch (DecoderFallbackException)
        {
            throw new CredentialException(CredentialErrorKind.InvalidInput, "The body is not UTF-8 text (send the PEM, not DER).");
        }
    }

    public static string? Query(IQueryCollection query, string name) =>
        query.TryGetValue(name, out var value) && !StringValues.IsNullOrEmpty(value) ? value.ToString() : null;

    public static string Required(string? value, string name) =>
        string.IsNullOrWhiteSpace(value) ? throw new CredentialException(CredentialErrorKind.InvalidInput, $"'{name}' is required.") : value;
}
