using System.CommandLine;
using OpenRolesAnywhere.CertificateAuthority;

namespace OpenRolesAnywhere.Cli.Commands.Admin;

/// <summary><c>admin revoke</c>: marks a certificate revoked in the ledger; publish-crl tells Roles Anywhere.</summary>
internal sealed class RevokeCommand : Command
{
    public RevokeCommand(CliEnvironment environment)
        : base("revoke", "Revoke a certificate this CA issued; run `admin publish-crl` afterwards so Roles Anywhere refuses it.")
    {
        var serial = new Option<string>("--serial-number", "--serial") { Description = "Serial number, decimal or 0x hex (see `admin list-certificates`).", Required = true };
        var reason = new Option<string?>("--reason") { Description = "unspecified, key-compromise, ca-compromise, affiliation-changed, superseded, cessation-of-operation or privilege-withdrawn." };
        Options.Add(serial);
        Options.Add(reason);

        SetAction(async (parseResult, cancellationToken) =>
        {
            var entry = new RevokeCertificate(AdminAwsOptionSet.CreateLocalContext(environment)).Run(parseResult.GetValue(serial)!, parseResult.GetValue(reason));
            await parseResult.InvocationConfiguration.Output.WriteLineAsync(
                $"Revoked {entry.SerialNumber} ({entry.Subject}, {entry.RevocationReason}). Run `openrolesanywhere admin publish-crl` so Roles Anywhere refuses it.");
            return ExitCodes.Success;
        });
    }
}
