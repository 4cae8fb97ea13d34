namespace OpenRolesAnywhere.Core.RolesAnywhere;

/// <summary>
/// Where Roles Anywhere is, by the AWS conventions: an explicit <c>--endpoint</c>, then
/// <c>AWS_ENDPOINT_URL_ROLESANYWHERE</c>, then <c>AWS_ENDPOINT_URL</c>, then the regional default.
/// </summary>
public static class RolesAnywhereEndpoint
{
    public static Uri Resolve(string? explicitEndpoint, string region, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var configured = NonEmpty(explicitEndpoint)
            ?? NonEmpty(environment("AWS_ENDPOINT_URL_ROLESANYWHERE"))
            ?? NonEmpty(environment("AWS_ENDPOINT_URL"));
        if (configured is not null)
        {
            return Problem(configured) is { } problem
                ? throw new CredentialException(CredentialErrorKind.InvalidInput, "The endpoint " + problem)
                : new Uri(configured, UriKind.Absolute);
        }

        var suffix = region.StartsWith("cn-", StringComparison.Ordinal) ? "amazonaws.com.cn" : "amazonaws.com";
        return new Uri($"https://rolesanywhere.{region}.{suffix}");
    }

    /// <summary>Why <paramref name="endpoint"/> cannot be an endpoint (an absolute http(s) URL with a host and no user name), or null.</summary>
    public static string? Problem(string endpoint) =>
        Uri.TryCreate(endpoint.Trim(), UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.Host.Length > 0 && uri.UserInfo.Length == 0
            ? null
            : $"'{SourceFieldRules.Printable(endpoint)}' is not an http(s) URL such as https://rolesanywhere.us-east-1.amazonaws.com.";

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
