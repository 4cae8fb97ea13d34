using System.CommandLine;
using OpenRolesAnywhere.CertificateAuthority;
using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.Core.Configuration;

namespace OpenRolesAnywhere.Cli.Commands.Admin;

/// <summary><c>admin accept-request</c>: issues a certificate for a CSR (or bare public key) and prints it.</summary>
internal sealed class AcceptRequestCommand : Command
{
    public AcceptRequestCommand(CliEnvironment environment)
        : base("accept-request", "Issue a certificate for a request from `request-certificate`, record it in the ledger, and print it (PEM).")
    {
        var requestFile = new Option<string>("--request-file") { Description = "The CSR (or, for the original tool's requests, the bare PEM public key).", Required = true };
        var validity = new Option<string>("--validity-duration") { Description = "How long the certificate is valid (8760h is a year); at most until the CA expires.", Required = true };
        var serial = new Option<string?>("--serial-number", "--serial") { Description = "Serial number, decimal; a serial used before is refused. [default: random 128-bit]" };
        var profile = new Option<string?>("--profile") { Description = "Name of the profile whose ARN goes into the certificate. [default: the last one created]" };
        var subject = new SubjectOptionSet();
        var aws = new AdminAwsOptionSet(signs: true);
        Options.Add(requestFile);
        Options.Add(validity);
        Options.Add(serial);
        Options.Add(profile);
        subject.AddTo(this);
        aws.AddTo(this);

        SetAction(async (parseResult, cancellationToken) =>
        {
            var path = parseResult.GetValue(requestFile)!;
            string pem;
            try
            {
                pem = await File.ReadAllTextAsync(path, cancellationToken);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CredentialException(CredentialErrorKind.InvalidInput, $"Cannot read --request-file {path}: {e.Message}");
            }

            var request = new AcceptRequestRequest(pem, path, Durations.Parse(parseResult.GetValue(validity)!, "--validity-duration"),
                subject.Bind(parseResult), parseResult.GetValue(serial), parseResult.GetValue(profile));
            using var http = environment.CreateHttpClient();
            var issued = await new AcceptRequest(aws.CreateContext(parseResult, environment, http)).RunAsync(request, cancellationToken);
            foreach (var warning in issued.Warnings)
            {
                await parseResult.InvocationConfiguration.Error.WriteLineAsync($"warning: {warning}");
            }

            await parseResult.InvocationConfiguration.Output.WriteAsync(issued.CertificatePem);
            return ExitCodes.Success;
        });
    }
}
