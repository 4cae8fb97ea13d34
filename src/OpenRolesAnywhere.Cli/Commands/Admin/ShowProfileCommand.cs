using System.CommandLine;
using OpenRolesAnywhere.CertificateAuthority;

namespace OpenRolesAnywhere.Cli.Commands.Admin;

/// <summary><c>admin show-profile</c>: a profile's settings and its effective attribute mapping.</summary>
internal sealed class ShowProfileCommand : Command
{
    public ShowProfileCommand(CliEnvironment environment)
        : base("show-profile", "Show a Roles Anywhere profile: settings, and which certificate fields become session tags.")
    {
        var profile = new Option<string>("--profile") { Description = "The profile: its name, ARN or id.", Required = true };
        var aws = new AdminAwsOptionSet();
        Options.Add(profile);
        aws.AddTo(this);

        SetAction(async (parseResult, cancellationToken) =>
        {
            using var http = environment.CreateHttpClient();
            var detail = await new ShowProfile(aws.CreateContext(parseResult, environment, http)).RunAsync(parseResult.GetValue(profile)!, cancellationToken);
            await ControlPlaneOutput.WriteAsync(parseResult.InvocationConfiguration.Output, detail);
            return ExitCodes.Success;
        });
    }
}
