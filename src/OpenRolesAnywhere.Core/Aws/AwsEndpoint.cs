namespace OpenRolesAnywhere.Core.Aws;

/// <summary>
/// Where an AWS service is, by the AWS conventions: an explicit <c>--endpoint</c>, then
/// <c>AWS_ENDPOINT_URL_&lt;SERVICE&gt;</c>, then <c>AWS_ENDPOINT_URL</c>, then the regional default.
/// </summary>
public static class AwsEndpoint
{
    /// <summary>The endpoint to call: a configured one, or <c>https://{service}.{region}.amazonaws.com</c> (<c>.com.cn</c> in China).</summary>
    public static Uri Resolve(AwsService service, string? explicitEndpoint, string region, Func<string, string?>? environment = null)
    {
        if (Configured(service, explicitEndpoint, environment) is { } configured)
        {
            return configured;
        }

        var suffix = region.StartsWith("cn-", StringComparison.Ordinal) ? "amazonaws.com.cn" : "amazonaws.com";
        return new Uri($"https://{service.Id}.{region}.{suffix}");
    }

    /// <summary>The flag or variable that names an endpoint, or null when none does (an SDK then picks its own default).</summary>
    public static Uri? Configured(AwsService service, string? explicitEndpoint, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var configured = NonEmpty(explicitEndpoint)
            ?? NonEmpty(environment(service.EndpointVariable))
            ?? NonEmpty(environment("AWS_ENDPOINT_URL"));
        if (configured is null)
        {
            return null;
        }

        return Problem(configured) is { } problem
            ? throw new CredentialException(CredentialErrorKind.InvalidInput, $"The {service.DisplayName} endpoint {problem}")
            : new Uri(configured, UriKind.Absolute);
    }

    /// <summary>Why <paramref name="endpoint"/> cannot be an endpoint (an absolute http(s) URL with a host and no user name), or null.</summary>
    public static string? Problem(string endpoint)
    {
        if (!Uri.TryCreate(endpoint.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Host.Length == 0)
        {
            return $"'{RolesAnywhere.SourceFieldRules.Printable(endpoint)}' is not an http(s) URL such as https://rolesanywhere.us-east-1.amazonaws.com.";
        }

        // Not echoed: what stands before the '@' may be a password.
        return uri.UserInfo.Length > 0 ? "holds a user name or password: give the URL without them." : null;
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
