using System.Text.Json;

namespace OpenRolesAnywhere.Core.Aws;

/// <summary>
/// An error answer in AWS's REST-JSON shape: the type in <c>X-Amzn-ErrorType</c> or <c>__type</c>, and a
/// <c>message</c>, with the kind of failure it means for us.
/// </summary>
public sealed record AwsError(AwsService Service, string Operation, int Status, string? Type, string? ServiceMessage)
{
    /// <summary>What AWS said, quoted for the end of our own message; empty when it said nothing.</summary>
    public string Said => ServiceMessage is null ? "" : $" (AWS said: {ServiceMessage})";

    public CredentialErrorKind Kind => Type switch
    {
        "ThrottlingException" or "TooManyRequestsException" => CredentialErrorKind.Throttled,
        "AccessDeniedException" => CredentialErrorKind.AccessDenied,
        "ResourceNotFoundException" => CredentialErrorKind.NotFound,
        "ValidationException" => CredentialErrorKind.InvalidInput,
        _ when Status == 429 => CredentialErrorKind.Throttled,
        _ when Status >= 500 => CredentialErrorKind.ServiceUnavailable,
        _ when Status == 403 => CredentialErrorKind.AccessDenied,
        _ => CredentialErrorKind.InvalidInput,
    };

    /// <summary>Reads the type (namespace and <c>:url</c> suffix dropped) and message; either is null when absent.</summary>
    public static AwsError Read(AwsService service, string operation, HttpResponseMessage response, string body)
    {
        var type = response.Headers.TryGetValues("X-Amzn-ErrorType", out var values) ? values.First() : null;
        string? said = null;
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                type ??= root.TryGetProperty("__type", out var t) ? t.GetString() : null;
                // Most services write "message"; some (older JSON protocols) "Message".
                said = root.TryGetProperty("message", out var m) ? m.GetString() : root.TryGetProperty("Message", out var m2) ? m2.GetString() : null;
            }
        }
        catch (JsonException)
        {
            // Proxies and load balancers answer with HTML; the status alone then decides.
        }

        return new AwsError(service, operation, (int)response.StatusCode, type?.Split(':')[0].Split('#')[^1], said);
    }

    /// <summary>The exception for this answer when the caller has no better advice for it.</summary>
    public CredentialException ToException()
    {
        var name = Service.DisplayName;
        var text = Kind switch
        {
            CredentialErrorKind.Throttled => $"{name} is throttling {Operation}; try again shortly.",
            CredentialErrorKind.NotFound => $"{name} does not know the resource {Operation} named: check the ARN and the region.",
            CredentialErrorKind.ServiceUnavailable => $"{name} failed {Operation} with HTTP {Status}; try again later.",
            CredentialErrorKind.AccessDenied => $"{name} refused {Operation} (HTTP {Status}).",
            _ when Type == "ValidationException" => $"{name} rejected {Operation} as invalid.",
            _ => $"{name} answered {Operation} with HTTP {Status}{(Type is null ? "" : " " + Type)}.",
        };
        return new CredentialException(Kind, text + Said);
    }
}
