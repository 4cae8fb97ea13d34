using System.Text.Json;

namespace OpenRolesAnywhere.Core.RolesAnywhere;

/// <summary>AWS's REST-JSON error shape: the type in <c>X-Amzn-ErrorType</c> or <c>__type</c>, and a <c>message</c>.</summary>
public static class AwsErrorResponse
{
    /// <summary>The bare error type (namespace and <c>:url</c> suffix dropped) and message, either null when absent.</summary>
    public static (string? Type, string? Message) Read(HttpResponseMessage response, string body)
    {
        var type = response.Headers.TryGetValues("X-Amzn-ErrorType", out var values) ? values.First() : null;
        string? message = null;
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                type ??= root.TryGetProperty("__type", out var t) ? t.GetString() : null;
                message = root.TryGetProperty("message", out var m) ? m.GetString() : root.TryGetProperty("Message", out var m2) ? m2.GetString() : null;
            }
        }
        catch (JsonException)
        {
            // Proxies and load balancers answer with HTML; the status alone then decides.
        }

        return (type?.Split(':')[0].Split('#')[^1], message);
    }
}
