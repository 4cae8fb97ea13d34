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
            var keys = new SigningKeyFactory(environment, parseResult.InvocationConfiguration.Error);
            using var http = environment.CreateHttpClient();
            var client = new RolesAnywhereClient(http, environment.Time, environment: environment.Variable);
            using var credentialSource = new RolesAnywhereCredentialSource(options, keys, client, environment.Variable, keys.CertificateLoader(options.Key));
            // A running serve with the same certificate, key and role answers from its cache; else sign here.
            var credentials = await LocalServerClient.TryGetAsync(LocalServerPaths.Socket(environment.Variable), credentialSource.CacheKey, cancellationToken)
                ?? await credentialSource.FetchAsync(cancellationToken);
            await parseResult.InvocationConfiguration.Output.WriteLineAsync(Format(credentials));
            return ExitCodes.Success;
        });
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
