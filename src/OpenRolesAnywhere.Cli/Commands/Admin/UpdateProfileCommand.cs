using System.CommandLine;
using OpenRolesAnywhere.CertificateAuthority;
using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.Core.Configuration;

namespace OpenRolesAnywhere.Cli.Commands.Admin;

/// <summary><c>admin update-profile</c>: change a profile's roles, duration, policies and role session names; enable or disable it.</summary>
internal sealed class UpdateProfileCommand : Command
{
    public UpdateProfileCommand(CliEnvironment environment)
        : base("update-profile", "Change a Roles Anywhere profile's settings, or enable or disable it; settings not given stay as they are.")
    {
        var profile = new Option<string>("--profile") { Description = "The profile: its name, ARN or id.", Required = true };
        var roles = new Option<string[]>("--role-arn") { Description = "Replace the roles the profile allows; repeat for more." };
        var duration = new Option<string?>("--session-duration") { Description = "Longest session, 900s to 43200s." };
        var enable = new Option<bool>("--enable") { Description = "Enable the profile." };
        var disable = new Option<bool>("--disable", "--disabled") { Description = "Disable the profile: no session is made with it until it is enabled again." };
        var settings = new ProfileSettingsOptionSet();
        var aws = new AdminAwsOptionSet();
        Options.Add(profile);
        Options.Add(roles);
        Options.Add(duration);
        settings.AddTo(this);
        Options.Add(enable);
        Options.Add(disable);
        aws.AddTo(this);

        SetAction(async (parseResult, cancellationToken) =>
        {
            if (parseResult.GetValue(enable) && parseResult.GetValue(disable))
            {
                throw new CredentialException(CredentialErrorKind.InvalidInput, "Give --enable or --disable, not both.");
            }

            var request = new UpdateProfileRequest(parseResult.GetValue(profile)!)
            {
                RoleArns = parseResult.GetValue(roles) is { Length: > 0 } arns ? arns : null,
                SessionDuration = parseResult.GetValue(duration) is { } text ? Durations.Parse(text, "--session-duration") : null,
                Settings = settings.Settings(parseResult),
                Enabled = parseResult.GetValue(enable) ? true : parseResult.GetValue(disable) ? false : null,
            };
            using var http = environment.CreateHttpClient();
            var detail = await new UpdateProfile(aws.CreateContext(parseResult, environment, http)).RunAsync(request, cancellationToken);
            await ControlPlaneOutput.WriteAsync(parseResult.InvocationConfiguration.Output, detail);
            return ExitCodes.Success;
        });
    }
}
