using System.CommandLine;
using OpenRolesAnywhere.CertificateAuthority;
using OpenRolesAnywhere.Core.Configuration;

namespace OpenRolesAnywhere.Cli.Commands.Admin;

/// <summary><c>admin publish-crl</c>: a CRL signed through KMS, imported into (or updated in) Roles Anywhere.</summary>
internal sealed class PublishCrlCommand : Command
{
    public PublishCrlCommand(CliEnvironment environment)
        : base("publish-crl", "Sign a CRL of every revoked certificate with the KMS key and import it into Roles Anywhere (updated on later runs).")
    {
        var validity = new Option<string?>("--crl-validity") { Description = "The CRL's nextUpdate, from now. [default: 168h]" };
        var aws = new AdminAwsOptionSet(signs: true);
        Options.Add(validity);
        aws.AddTo(this);

        SetAction(async (parseResult, cancellationToken) =>
        {
            var crlValidity = parseResult.GetValue(validity) is { } text ? Durations.Parse(text, "--crl-validity") : (TimeSpan?)null;
            using var http = environment.CreateHttpClient();
            var context = aws.CreateContext(parseResult, environment, http);
            var published = await new PublishCrl(context).RunAsync(crlValidity, cancellationToken);
            await parseResult.InvocationConfiguration.Output.WriteLineAsync(
                $"{(published.Imported ? "Imported" : "Updated")} CRL number {published.CrlNumber} with {published.RevokedCount} revoked certificate(s): {published.CrlArn} (saved as {context.Store.CrlPath}).");
            return ExitCodes.Success;
        });
    }
}
