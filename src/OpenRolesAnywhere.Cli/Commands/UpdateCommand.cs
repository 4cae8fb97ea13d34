using System.CommandLine;
using OpenRolesAnywhere.Cli.Keys;
using OpenRolesAnywhere.Core.Configuration;
using OpenRolesAnywhere.Core.Credentials;
using OpenRolesAnywhere.Core.RolesAnywhere;

namespace OpenRolesAnywhere.Cli.Commands;

/// <summary>
/// <c>update</c>, as the official helper's: writes a profile of the shared credentials file and keeps it fresh
/// (five minutes before expiry) until stopped, for tools that read only that file.
/// </summary>
internal sealed class UpdateCommand : Command
{
    public UpdateCommand(CliEnvironment environment)
        : base("update", "Write AWS credentials into a profile of ~/.aws/credentials (AWS_SHARED_CREDENTIALS_FILE honoured) and refresh them 5 minutes before they expire, until stopped.")
    {
        var source = new CredentialSourceOptionSet();
        source.AddTo(this);
        var profile = new Option<string>("--profile") { Description = "The profile to write; other profiles and comments are kept.", DefaultValueFactory = _ => "default" };
        var once = new Option<bool>("--once") { Description = "Write the profile once and exit." };
        var debug = SigningDebug.CreateOption();
        Options.Add(profile);
        Options.Add(once);
        Options.Add(debug);
        // Checked before CreateSession is called: a typo must not cost a session.
        profile.Validators.Add(result =>
        {
            if (SharedCredentialsFile.ProfileNameProblem(result.GetValueOrDefault<string>()) is { } problem)
            {
                result.AddError(problem);
            }
        });
        SetAction(async (parseResult, cancellationToken) =>
        {
            var options = source.Bind(parseResult);
            var keys = KeySourceRegistration.Create(environment, parseResult.InvocationConfiguration.Error);
            using var http = environment.CreateHttpClient();
            var client = new RolesAnywhereClient(http, environment.Time, environment: environment.Variable, onSigned: SigningDebug.Observer(parseResult, debug));
            using var credentialSource = new RolesAnywhereCredentialSource(options, keys, client, environment.Variable);
            var updater = new SharedCredentialsFileUpdater(credentialSource, SharedCredentialsFile.PathFrom(environment.Variable),
                parseResult.GetValue(profile)!, environment.Time, parseResult.InvocationConfiguration.Error);
            await updater.RunAsync(parseResult.GetValue(once), cancellationToken);
            return ExitCodes.Success;
        });
    }
}
