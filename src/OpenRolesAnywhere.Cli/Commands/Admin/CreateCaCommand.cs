using System.CommandLine;
using OpenRolesAnywhere.CertificateAuthority;
using OpenRolesAnywhere.Core.Configuration;

namespace OpenRolesAnywhere.Cli.Commands.Admin;

/// <summary><c>admin create-ca</c>: a self-signed CA certificate signed by the KMS key, registered as a trust anchor.</summary>
internal sealed class CreateCaCommand : Command
{
    public CreateCaCommand(CliEnvironment environment)
        : base("create-ca", "Create the CA certificate with a KMS key (stored as ca.pem) and register it with Roles Anywhere as a trust anchor.")
    {
        var name = new Option<string>("--name") { Description = "Trust anchor name in Roles Anywhere.", Required = true };
        var keyId = new Option<string>("--kms-key-id") { Description = "The KMS key: key id, key ARN, alias/NAME or alias ARN (see key.yml).", Required = true };
        var validity = new Option<string>("--validity-duration") { Description = "How long the CA certificate is valid (8760h is a year).", Required = true };
        var serial = new Option<string?>("--serial-number") { Description = "CA certificate serial number, decimal (default: random 128-bit)." };
        var subject = new SubjectOptionSet();
        var aws = new AdminAwsOptionSet();
        Options.Add(name);
        Options.Add(keyId);
        Options.Add(validity);
        Options.Add(serial);
        subject.AddTo(this);
        aws.AddTo(this);

        SetAction(async (parseResult, cancellationToken) =>
        {
            var request = new CreateCaRequest(
                parseResult.GetValue(name)!, parseResult.GetValue(keyId)!,
                Durations.Parse(parseResult.GetValue(validity)!, "--validity-duration"), subject.Bind(parseResult), parseResult.GetValue(serial));
            using var http = environment.CreateHttpClient();
            var context = aws.CreateContext(parseResult, environment, http);
            var result = await new CreateCa(context).RunAsync(request, cancellationToken);
            var output = parseResult.InvocationConfiguration.Output;
            await output.WriteLineAsync($"{(result.ReusedCertificate ? "Registered the saved" : "Created the")} CA certificate {context.Store.CaCertificatePath} (serial {result.SerialNumber}, KMS key {result.KmsKeyArn}).");
            await output.WriteLineAsync($"Trust anchor: {result.TrustAnchorArn}");
            return ExitCodes.Success;
        });
    }
}
