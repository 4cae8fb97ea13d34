using System.CommandLine;
using System.Text.Json;
using OpenRolesAnywhere.Cli.Keys;
using OpenRolesAnywhere.Core.Credentials;
using OpenRolesAnywhere.Core.RolesAnywhere;

namespace OpenRolesAnywhere.Cli.Commands;

/// <summary>
/// <c>credential_process = openrolesanywhere credential-process ...</c>: prints the JSON the AWS CLI and
/// SDKs read (Version 1) to standard output, and nothing else there.
/// </summary>
internal sealed class CredentialProcessCommand : Command
{
    public CredentialProcessCommand(CliEnvironment environment)
        : base("credential-process", "Print AWS credentials in the credential_process format of ~/.aws/config.")
    {
        var source = new CredentialSourceOptionSet();
        source.AddTo(this);
        SetAction(async (parseResult, cancellationToken) =>
        {
            var options = source.Bind(parseResult);
            var socket = LocalServerPaths.Socket(environment.Variable);
            // A running serve configured with the same options answers before the certificate is read, a key
            // opened or an HttpClient made (most of this short-lived process's work); else take the full path.
            var credentials = await LocalServerClient.TryGetAsync(socket, options.LookupKey(environment.Variable), cancellationToken)
                ?? await FetchAsync(options, socket, environment, parseResult.InvocationConfiguration.Error, cancellationToken);
            await parseResult.InvocationConfiguration.Output.WriteLineAsync(Format(credentials));
            return ExitCodes.Success;
        });
    }

    private static async Task<SessionCredentials> FetchAsync(
        CredentialSourceOptions options, string socket, CliEnvironment environment, TextWriter error, CancellationToken cancellationToken)
    {
        var keys = new SigningKeyFactory(environment, error);
        using var http = environment.CreateHttpClient();
        var client = new RolesAnywhereClient(http, environment.Time, environment: environment.Variable);
        using var credentialSource = new RolesAnywhereCredentialSource(options, keys, client, environment.Variable, keys.CertificateLoader(options.Key));
        // A server configured differently may still fetch the same thing (ARNs given on one side, read from
        // the certificate on the other): ask by the cache key, which the certificate completes; else sign here.
        return await LocalServerClient.TryGetAsync(socket, credentialSource.CacheKey, cancellationToken)
            ?? await credentialSource.FetchAsync(cancellationToken);
    }

    /// <summary>The credential_process document; Expiration in ISO 8601 UTC without fractions, as botocore parses it.</summary>
    public static string Format(SessionCredentials credentials)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("Version", 1);
            json.WriteString("AccessKeyId", credentials.AccessKeyId);
            json.WriteString("SecretAccessKey", credentials.SecretAccessKey);
            json.WriteString("SessionToken", credentials.SessionToken);
            json.WriteString("Expiration", credentials.Expiration.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));
            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
