using System.CommandLine;
using OpenRolesAnywhere.CertificateAuthority;
using OpenRolesAnywhere.Core.Configuration;

namespace OpenRolesAnywhere.Cli.Commands.Admin;

/// <summary><c>admin create-profile</c>: the roles certificates of this CA may assume.</summary>
internal sealed class CreateProfileCommand : Command
{
    public CreateProfileCommand(CliEnvironment environment)
        : base("create-profile", "Create a Roles Anywhere profile (the roles certificates may assume); accept-request puts its ARN into certificates.")
    {
        var name = new Option<string>("--name") { Description = "Profile name.", Required = true };
        var duration = new Option<string>("--session-duration") { Description = "Longest session, 900s to 43200s.", DefaultValueFactory = _ => "3600s" };
        var roles = new Option<string[]>("--role-arn") { Description = "A role the profile allows; repeat for more.", Required = true };
        var requireInstanceProperties = new Option<bool>("--require-instance-properties") { Description = "Require instance properties in session requests (settable only at creation)." };
        var disabled = new Option<bool>("--disabled", "--disable") { Description = "Create the profile disabled; `admin update-profile --enable` enables it." };
        var settings = new ProfileSettingsOptionSet();
        var aws = new AdminAwsOptionSet();
        Options.Add(name);
        Options.Add(duration);
        Options.Add(roles);
        settings.AddTo(this);
        Options.Add(requireInstanceProperties);
        Options.Add(disabled);
        aws.AddTo(this);

        SetAction(async (parseResult, cancellationToken) =>
        {
            var request = new CreateProfileRequest(parseResult.GetValue(name)!, parseResult.GetValue(roles)!,
                Durations.Parse(parseResult.GetValue(duration)!, "--session-duration"))
            {
                Settings = settings.Settings(parseResult),
                RequireInstanceProperties = parseResult.GetValue(requireInstanceProperties),
                Enabled = !parseResult.GetValue(disabled),
            };
            using var http = environment.CreateHttpClient();
            var profile = await new CreateProfile(aws.CreateContext(parseResult, environment, http)).RunAsync(request, cancellationToken);
            await parseResult.InvocationConfiguration.Output.WriteLineAsync($"Profile: {profile.Arn}");
            return ExitCodes.Success;
        });
    }
}
