using System.CommandLine;
using OpenRolesAnywhere.CertificateAuthority;

namespace OpenRolesAnywhere.Cli.Commands.Admin;

/// <summary><c>admin list-trust-anchors</c>: every trust anchor, with its expiry notifications.</summary>
internal sealed class ListTrustAnchorsCommand : Command
{
    public ListTrustAnchorsCommand(CliEnvironment environment)
        : base("list-trust-anchors", "List the trust anchors in Roles Anywhere with their expiry notification settings.")
    {
        var aws = new AdminAwsOptionSet();
        aws.AddTo(this);

        SetAction(async (parseResult, cancellationToken) =>
        {
            using var http = environment.CreateHttpClient();
            var anchors = await new ListTrustAnchors(aws.CreateContext(parseResult, environment, http)).RunAsync(cancellationToken);
            foreach (var anchor in anchors)
            {
                await ControlPlaneOutput.WriteAsync(parseResult.InvocationConfiguration.Output, anchor);
            }

            return ExitCodes.Success;
        });
    }
}
