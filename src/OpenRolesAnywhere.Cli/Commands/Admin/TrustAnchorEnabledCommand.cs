using System.CommandLine;
using OpenRolesAnywhere.CertificateAuthority;

namespace OpenRolesAnywhere.Cli.Commands.Admin;

/// <summary><c>admin enable-trust-anchor</c> and <c>admin disable-trust-anchor</c>: one operation, the state to set.</summary>
internal sealed class TrustAnchorEnabledCommand : Command
{
    public TrustAnchorEnabledCommand(CliEnvironment environment, bool enabled)
        : base(enabled ? "enable-trust-anchor" : "disable-trust-anchor",
            enabled ? "Enable a trust anchor: its certificates get sessions again." : "Disable a trust anchor: its certificates get no sessions until it is enabled again.")
    {
        var anchor = new Option<string?>("--trust-anchor") { Description = "The trust anchor: name, ARN or id. [default: this CA's]" };
        var aws = new AdminAwsOptionSet();
        Options.Add(anchor);
        aws.AddTo(this);

        SetAction(async (parseResult, cancellationToken) =>
        {
            using var http = environment.CreateHttpClient();
            var detail = await new SetTrustAnchorEnabled(aws.CreateContext(parseResult, environment, http)).RunAsync(parseResult.GetValue(anchor), enabled, cancellationToken);
            await ControlPlaneOutput.WriteAsync(parseResult.InvocationConfiguration.Output, detail);
            return ExitCodes.Success;
        });
    }
}
