using System.CommandLine;
using OpenRolesAnywhere.CertificateAuthority;

namespace OpenRolesAnywhere.Cli.Commands.Admin;

/// <summary><c>admin reset-notification-settings</c>: back to AWS's defaults.</summary>
internal sealed class ResetNotificationSettingsCommand : Command
{
    public ResetNotificationSettingsCommand(CliEnvironment environment)
        : base("reset-notification-settings", "Put a trust anchor's expiry notifications back to AWS's defaults.")
    {
        var anchor = new Option<string?>("--trust-anchor") { Description = "The trust anchor: name, ARN or id. [default: this CA's]" };
        var events = new Option<string[]>("--event") { Description = "ca or end-entity; repeat for both. [default: both]" };
        var aws = new AdminAwsOptionSet();
        Options.Add(anchor);
        Options.Add(events);
        aws.AddTo(this);

        SetAction(async (parseResult, cancellationToken) =>
        {
            using var http = environment.CreateHttpClient();
            var detail = await new ResetNotificationSettings(aws.CreateContext(parseResult, environment, http))
                .RunAsync(parseResult.GetValue(anchor), parseResult.GetValue(events) ?? [], cancellationToken);
            await ControlPlaneOutput.WriteAsync(parseResult.InvocationConfiguration.Output, detail);
            return ExitCodes.Success;
        });
    }
}
