using System.CommandLine;
using OpenRolesAnywhere.CertificateAuthority;
using OpenRolesAnywhere.CertificateAuthority.ControlPlane;

namespace OpenRolesAnywhere.Cli.Commands.Admin;

/// <summary>
/// <c>admin put-attribute-mapping</c> and <c>admin delete-attribute-mapping</c>: the same flags, one operation each;
/// both print the mapping the profile has afterwards.
/// </summary>
internal sealed class AttributeMappingCommand : Command
{
    private AttributeMappingCommand(
        string name, string description, bool put, CliEnvironment environment, Func<CaContext, AttributeMappingRequest, CancellationToken, Task<ProfileDetail>> run)
        : base(name, description)
    {
        var profile = new Option<string>("--profile") { Description = "The profile: its name, ARN or id.", Required = true };
        var field = new Option<string>("--certificate-field") { Description = "subject, issuer or san.", Required = true };
        var specifiers = new Option<string[]>("--specifier")
        {
            Description = put
                ? "A field that becomes a session tag: CN, OU, O... for subject and issuer (* for all), DNS, URI or Name for san; repeat for more."
                : "A specifier to stop mapping; repeat for more; none removes the certificate field's whole mapping.",
            Required = put,
        };
        var aws = new AdminAwsOptionSet();
        Options.Add(profile);
        Options.Add(field);
        Options.Add(specifiers);
        aws.AddTo(this);

        SetAction(async (parseResult, cancellationToken) =>
        {
            var request = new AttributeMappingRequest(parseResult.GetValue(profile)!, parseResult.GetValue(field)!, parseResult.GetValue(specifiers) ?? []);
            using var http = environment.CreateHttpClient();
            var detail = await run(aws.CreateContext(parseResult, environment, http), request, cancellationToken);
            await ControlPlaneOutput.WriteAsync(parseResult.InvocationConfiguration.Output, detail);
            return ExitCodes.Success;
        });
    }

    public static AttributeMappingCommand Put(CliEnvironment environment) => new(
        "put-attribute-mapping", "Set which fields of a certificate part become session tags for a profile (replaces that part's mapping).", true, environment,
        (context, request, cancellationToken) => new PutAttributeMapping(context).RunAsync(request, cancellationToken));

    public static AttributeMappingCommand Delete(CliEnvironment environment) => new(
        "delete-attribute-mapping", "Stop certificate fields becoming session tags for a profile.", false, environment,
        (context, request, cancellationToken) => new DeleteAttributeMapping(context).RunAsync(request, cancellationToken));
}
