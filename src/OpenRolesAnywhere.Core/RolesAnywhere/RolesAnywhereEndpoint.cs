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
            return Uri.TryCreate(configured, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
                ? uri
                : throw new CredentialException(CredentialErrorKind.InvalidInput, $"The endpoint '{configured}' is not an http(s) URL.");
        }

        var suffix = region.StartsWith("cn-", StringComparison.Ordinal) ? "amazonaws.com.cn" : "amazonaws.com";
        return new Uri($"https://rolesanywhere.{region}.{suffix}");
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
