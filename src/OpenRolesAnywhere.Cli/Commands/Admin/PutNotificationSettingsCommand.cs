using System.CommandLine;
using OpenRolesAnywhere.CertificateAuthority;

namespace OpenRolesAnywhere.Cli.Commands.Admin;

/// <summary><c>admin put-notification-settings</c>: when Roles Anywhere warns that a certificate is about to expire.</summary>
internal sealed class PutNotificationSettingsCommand : Command
{
    public PutNotificationSettingsCommand(CliEnvironment environment)
        : base("put-notification-settings", "Set how many days before a CA or end-entity certificate expires Roles Anywhere notifies (EventBridge, CloudWatch, Health Dashboard).")
    {
        var anchor = new Option<string?>("--trust-anchor") { Description = "The trust anchor: name, ARN or id. [default: this CA's]" };
        var notificationEvent = new Option<string>("--event") { Description = "ca (the CA certificate) or end-entity (certificates it issued).", Required = true };
        var threshold = new Option<int?>("--threshold-days") { Description = "Notify this many days before expiry, 1 to 360." };
        var disable = new Option<bool>("--disable") { Description = "Turn this notification off." };
        var aws = new AdminAwsOptionSet();
        Options.Add(anchor);
        Options.Add(notificationEvent);
        Options.Add(threshold);
        Options.Add(disable);
        aws.AddTo(this);

        SetAction(async (parseResult, cancellationToken) =>
        {
            var request = new NotificationSettingsRequest(
                parseResult.GetValue(anchor), parseResult.GetValue(notificationEvent)!, !parseResult.GetValue(disable), parseResult.GetValue(threshold));
            using var http = environment.CreateHttpClient();
            var detail = await new PutNotificationSettings(aws.CreateContext(parseResult, environment, http)).RunAsync(request, cancellationToken);
            await ControlPlaneOutput.WriteAsync(parseResult.InvocationConfiguration.Output, detail);
            return ExitCodes.Success;
        });
    }
}
