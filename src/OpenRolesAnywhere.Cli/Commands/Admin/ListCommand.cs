using System.CommandLine;
using OpenRolesAnywhere.CertificateAuthority;

namespace OpenRolesAnywhere.Cli.Commands.Admin;

/// <summary><c>admin list</c>: the trust anchors and profiles Roles Anywhere holds.</summary>
internal sealed class ListCommand : Command
{
    public ListCommand(CliEnvironment environment)
        : base("list", "List the trust anchors and profiles in Roles Anywhere.")
    {
        var aws = new AdminAwsOptionSet();
        aws.AddTo(this);

        SetAction(async (parseResult, cancellationToken) =>
        {
            using var http = environment.CreateHttpClient();
            var (anchors, profiles) = await new ListRegistrations(aws.CreateContext(parseResult, environment, http)).RunAsync(cancellationToken);
            var output = parseResult.InvocationConfiguration.Output;
            await output.WriteLineAsync("Trust anchors:");
            foreach (var anchor in anchors)
            {
                await output.WriteLineAsync($"  {anchor.Name}\t{(anchor.Enabled ? "enabled" : "disabled")}\t{anchor.SourceType}\t{anchor.Arn}");
            }

            await output.WriteLineAsync("Profiles:");
            foreach (var profile in profiles)
            {
                await output.WriteLineAsync($"  {profile.Name}\t{(profile.Enabled ? "enabled" : "disabled")}\t{profile.DurationSeconds}s\t{profile.Arn}\t{string.Join(",", profile.RoleArns)}");
            }

            return ExitCodes.Success;
        });
    }
}
