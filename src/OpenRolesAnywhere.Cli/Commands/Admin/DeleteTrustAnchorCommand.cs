using System.CommandLine;
using OpenRolesAnywhere.CertificateAuthority;

namespace OpenRolesAnywhere.Cli.Commands.Admin;

/// <summary><c>admin delete-trust-anchor</c>: the last step of a CA rollover.</summary>
internal sealed class DeleteTrustAnchorCommand : Command
{
    public DeleteTrustAnchorCommand(CliEnvironment environment)
        : base("delete-trust-anchor", "Delete a trust anchor: certificates of that CA get no more sessions. Refuses this CA's own unless --force.")
    {
        var anchor = new Option<string>("--trust-anchor") { Description = "The trust anchor: name, ARN or id.", Required = true };
        var force = new Option<bool>("--force") { Description = "Delete even the trust anchor of the CA in this configuration directory." };
        var aws = new AdminAwsOptionSet();
        Options.Add(anchor);
        Options.Add(force);
        aws.AddTo(this);

        SetAction(async (parseResult, cancellationToken) =>
        {
            using var http = environment.CreateHttpClient();
            var deleted = await new DeleteTrustAnchor(aws.CreateContext(parseResult, environment, http))
                .RunAsync(parseResult.GetValue(anchor)!, parseResult.GetValue(force), cancellationToken);
            await parseResult.InvocationConfiguration.Output.WriteLineAsync($"Deleted trust anchor {deleted.TrustAnchor.Name} ({deleted.TrustAnchor.Arn}).");
            return ExitCodes.Success;
        });
    }
}
