using System.CommandLine;
using System.Text.Json;
using OpenRolesAnywhere.Cli.Keys;
using OpenRolesAnywhere.Core.Credentials;
using OpenRolesAnywhere.Core.Credentials.Chain;
using OpenRolesAnywhere.Core.KeySources;
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
        var debug = SigningDebug.CreateOption();
        Options.Add(debug);
        SetAction(async (parseResult, cancellationToken) =>
        {
            var options = source.Bind(parseResult);
            var keys = KeySourceRegistration.Create(environment, parseResult.InvocationConfiguration.Error);
            var signed = SigningDebug.Observer(parseResult, debug);
            var signing = new SigningCredentialSource(token => SignAsync(options, keys, environment, signed, token));
            // A running serve with a source of the same key answers before the certificate is read, a key opened
            // or an HttpClient made (most of this short-lived process's work); else sign here. --debug signs here,
            // so that there is a request to show.
            var chain = signed is not null ? new ChainedCredentialSource(signing) : new ChainedCredentialSource(
                new LocalServerCredentialSource(LocalServerPaths.Socket(environment.Variable), options.CacheKey(keys, environment.Variable)),
                signing);
            var credentials = await chain.GetAsync(cancellationToken);
            await parseResult.InvocationConfiguration.Output.WriteLineAsync(Format(credentials));
            return ExitCodes.Success;
        });
    }

    private static async Task<SessionCredentials> SignAsync(
        CredentialSourceOptions options, KeySourceProviders keys, CliEnvironment environment, Action<Core.SigV4.SigV4Signature>? signed,
        CancellationToken cancellationToken)
    {
        using var http = environment.CreateHttpClient();
        var client = new RolesAnywhereClient(http, environment.Time, environment: environment.Variable, onSigned: signed);
        using var credentialSource = new RolesAnywhereCredentialSource(options, keys, client, environment.Variable);
        return await credentialSource.FetchAsync(cancellationToken);
    }

    /// <summary>The credential_process document; Expiration in <see cref="CredentialTimestamp"/>'s form, which botocore parses.</summary>
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
            json.WriteString("Expiration", CredentialTimestamp.Format(credentials.Expiration));
            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
