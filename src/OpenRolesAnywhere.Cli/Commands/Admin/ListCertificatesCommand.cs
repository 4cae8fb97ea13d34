using System.CommandLine;
using OpenRolesAnywhere.CertificateAuthority;
using OpenRolesAnywhere.Core.Configuration;

namespace OpenRolesAnywhere.Cli.Commands.Admin;

/// <summary><c>admin list-certificates</c>: the issuance ledger.</summary>
internal sealed class ListCertificatesCommand : Command
{
    public ListCertificatesCommand(CliEnvironment environment)
        : base("list-certificates", "List every certificate this CA issued, from the ledger, with its status.")
    {
        var expiring = new Option<string?>("--expiring") { Description = "Only what to renew: unrevoked certificates ending within this time (30d, 720h), expired ones included." };
        Options.Add(expiring);
        SetAction(async (parseResult, cancellationToken) =>
        {
            var within = parseResult.GetValue(expiring) is { } text ? Durations.ParseWindow(text, "--expiring") : (TimeSpan?)null;
            var entries = new ListCertificates(AdminAwsOptionSet.CreateLocalContext(environment)).Run(within);
            var output = parseResult.InvocationConfiguration.Output;
            await output.WriteLineAsync("SERIAL\tKIND\tSTATUS\tNOT AFTER\tSUBJECT\tKEY");
            foreach (var entry in entries)
            {
                var status = entry.RevokedAt is { } at ? $"revoked {at:u} ({entry.RevocationReason})" : entry.Status;
                await output.WriteLineAsync($"{entry.SerialNumber}\t{entry.Kind}\t{status}\t{entry.NotAfter:u}\t{entry.Subject}\t{entry.KeyFingerprint}");
            }

            return ExitCodes.Success;
        });
    }
}
