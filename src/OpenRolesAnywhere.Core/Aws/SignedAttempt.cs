using System.Net.Http.Headers;
using OpenRolesAnywhere.Core.SigV4;

namespace OpenRolesAnywhere.Core.Aws;

/// <summary>
/// One attempt of a signed AWS call: the HTTP message built from exactly what was signed, sent with a
/// per-attempt timeout. <see cref="AwsRequestPipeline"/> repeats it.
/// </summary>
internal static class SignedAttempt
{
    /// <summary>The HTTP request for <paramref name="request"/>: its path, canonical query and headers, and the Authorization header.</summary>
    public static HttpRequestMessage CreateMessage(HttpMethod method, Uri endpoint, SignableRequest request, SigV4Signature signature, byte[]? jsonBody)
    {
        var message = new HttpRequestMessage(method, new UriBuilder(endpoint) { Path = request.Path, Query = CanonicalRequest.CanonicalQuery(request.Query) }.Uri);
        foreach (var (name, value) in request.Headers)
        {
            // HttpClient writes these itself: Host from the URI, Content-Type from the content.
            if (name is not ("Content-Type" or "Host"))
            {
                message.Headers.TryAddWithoutValidation(name, value);
            }
        }

        message.Headers.TryAddWithoutValidation("Authorization", signature.AuthorizationHeader);
        if (jsonBody is not null)
        {
            message.Content = new ByteArrayContent(jsonBody);
            message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        return message;
    }

    /// <summary>
    /// Sends and reads the whole answer within <paramref name="timeout"/>. A timeout or an unreachable endpoint
    /// is a <see cref="CredentialErrorKind.Network"/> failure naming <paramref name="operation"/>; the caller
    /// disposes the response.
    /// </summary>
    public static async Task<(HttpResponseMessage Response, string Body)> SendAsync(
        HttpClient http, HttpRequestMessage message, AwsService service, TimeSpan timeout, string operation, CancellationToken cancellationToken)
    {
        var endpoint = message.RequestUri!;
        using var attemptTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attemptTimeout.CancelAfter(timeout);
        try
        {
            var response = await http.SendAsync(message, attemptTimeout.Token);
            try
            {
                return (response, await response.Content.ReadAsStringAsync(attemptTimeout.Token));
            }
            catch
            {
                response.Dispose();
                throw;
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CredentialException(CredentialErrorKind.Network,
                $"{service.DisplayName} at {endpoint.Host} did not answer {operation} within {timeout.TotalSeconds:0.###} s.");
        }
        catch (HttpRequestException e)
        {
            throw new CredentialException(CredentialErrorKind.Network,
                $"Cannot reach {service.DisplayName} at {endpoint.GetLeftPart(UriPartial.Authority)} for {operation}: {e.Message}. Check the network, the region and any --endpoint.", e);
        }
    }
}
