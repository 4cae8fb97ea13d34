using System.CommandLine;
using OpenRolesAnywhere.CertificateAuthority;
using OpenRolesAnywhere.Core.Configuration;

namespace OpenRolesAnywhere.Cli.Commands.Admin;

/// <summary>
/// <c>admin create-ca</c>: a self-signed CA certificate signed by the CA key (KMS, an SSH agent key, a pkcs11: URI,
/// or a key file with a warning), registered as a trust anchor. The key's place is recorded for later commands.
/// </summary>
internal sealed class CreateCaCommand : Command
{
    public CreateCaCommand(CliEnvironment environment)
        : base("create-ca", "Create the CA certificate (stored as ca.pem) with a KMS key, an SSH agent key or a token's key, and register it with Roles Anywhere as a trust anchor.")
    {
        var name = new Option<string>("--name") { Description = "Trust anchor name in Roles Anywhere.", Required = true };
        var keyId = new Option<string?>("--kms-key-id") { Description = "The KMS key: key id, key ARN, alias/NAME or alias ARN (see key.yml). Or name the key with --ssh-fingerprint or --private-key." };
        var key = new KeyOptionSet();
        var validity = new Option<string>("--validity-duration") { Description = "How long the CA certificate is valid (8760h is a year).", Required = true };
        var serial = new Option<string?>("--serial-number", "--serial") { Description = "CA certificate serial number, decimal. [default: random 128-bit]" };
        var subject = new SubjectOptionSet();
        var aws = new AdminAwsOptionSet(signs: true);
        Options.Add(name);
        Options.Add(keyId);
        Options.Add(validity);
        Options.Add(serial);
        subject.AddTo(this);
        aws.AddTo(this);
        key.AddTo(this, required: false);
        Validators.Add(result =>
        {
            var others = result.GetValue(key.PrivateKey) is not null || result.GetValue(key.SshFingerprint) is not null;
            if ((result.GetValue(keyId) is not null) == others)
            {
                result.AddError("Name the CA key once: --kms-key-id for KMS, --ssh-fingerprint SHA256:... for an SSH agent key, or --private-key pkcs11:URI|FILE.");
            }
        });

        SetAction(async (parseResult, cancellationToken) =>
        {
            var kmsKeyId = parseResult.GetValue(keyId);
            var request = new CreateCaRequest(
                parseResult.GetValue(name)!, kmsKeyId,
                Durations.Parse(parseResult.GetValue(validity)!, "--validity-duration"), subject.Bind(parseResult), parseResult.GetValue(serial),
                kmsKeyId is null ? key.Bind(parseResult) : null);
            using var http = environment.CreateHttpClient();
            var context = aws.CreateContext(parseResult, environment, http);
            var result = await new CreateCa(context).RunAsync(request, cancellationToken);
            var output = parseResult.InvocationConfiguration.Output;
            foreach (var warning in result.Warnings)
            {
                await parseResult.InvocationConfiguration.Error.WriteLineAsync("Warning: " + warning);
            }

            await output.WriteLineAsync($"{(result.ReusedCertificate ? "Registered the saved" : "Created the")} CA certificate {context.Store.CaCertificatePath} (serial {result.SerialNumber}, {result.CaKey}).");
            await output.WriteLineAsync($"Trust anchor: {result.TrustAnchorArn}");
            return ExitCodes.Success;
        });
    }
}
