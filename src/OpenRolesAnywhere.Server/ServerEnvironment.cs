using OpenRolesAnywhere.Server.Hosting;

namespace OpenRolesAnywhere.Server;

/// <summary>
/// The variables that point SDKs and the AWS CLI at a server (what <c>env</c> prints and <c>serve</c> logs).
/// Only one of the token variables is given: SDKs disagree on which wins when both are set.
/// </summary>
public static class ServerEnvironment
{
    /// <param name="baseUrl">How clients on this machine reach the server, e.g. <c>http://127.0.0.1:9911</c>.</param>
    /// <param name="tokenFile">The token file; used unless <paramref name="token"/> is given.</param>
    /// <param name="token">The token itself, for clients that ignore the file variable (AWS CLI v2 2.9).</param>
    /// <param name="source">A source name for <c>/v1/credentials/NAME</c>; null for the default source.</param>
    /// <param name="region">The source's region, when known: clients need one, and credentials do not carry it.</param>
    public static IReadOnlyList<KeyValuePair<string, string>> Variables(string baseUrl, string tokenFile, string? token = null, string? source = null, string? region = null)
    {
        var root = baseUrl.TrimEnd('/');
        var path = source is null ? "/v1/credentials" : "/v1/credentials/" + Uri.EscapeDataString(source);
        List<KeyValuePair<string, string>> variables =
        [
            new("AWS_CONTAINER_CREDENTIALS_FULL_URI", root + path),
            token is null ? new("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", Path.GetFullPath(tokenFile)) : new("AWS_CONTAINER_AUTHORIZATION_TOKEN", token),
            // With the trailing slash: AWS CLI v2 2.9 appends "latest/api/token" without adding one.
            new("AWS_EC2_METADATA_SERVICE_ENDPOINT", root + "/"),
        ];
        if (region is not null)
        {
            // SDKs read AWS_REGION; botocore and AWS CLI v1 only AWS_DEFAULT_REGION.
            variables.Add(new("AWS_REGION", region));
            variables.Add(new("AWS_DEFAULT_REGION", region));
        }

        return variables;
    }

    /// <summary>How a client on this machine reaches a <c>--listen</c> URL (a wildcard on 127.0.0.1), e.g. <c>http://127.0.0.1:9911</c>.</summary>
    /// <exception cref="Core.CredentialException">The URL is not one serve accepts.</exception>
    public static string ClientBaseUrl(string listenUrl)
    {
        var address = ListenAddress.Parse(listenUrl);
        return $"{(address.IsHttps ? "https" : "http")}://{address.ClientHost}:{address.Port}";
    }

    /// <summary><c>NAME=value</c> lines, or <c>export NAME='value'</c> for a shell's <c>eval</c>.</summary>
    public static IEnumerable<string> Lines(IEnumerable<KeyValuePair<string, string>> variables, bool export) =>
        variables.Select(v => export ? $"export {v.Key}='{v.Value.Replace("'", "'\\''", StringComparison.Ordinal)}'" : $"{v.Key}={v.Value}");
}
