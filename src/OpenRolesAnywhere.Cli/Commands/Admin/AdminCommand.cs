using System.CommandLine;

namespace OpenRolesAnywhere.Cli.Commands.Admin;

/// <summary><c>admin</c>: the CA side, with the original tool's subcommand names and flags.</summary>
internal sealed class AdminCommand : Command
{
    public AdminCommand(CliEnvironment environment)
        : base("admin", "Run a certificate authority whose key stays in AWS KMS: create it, issue, revoke, publish the CRL to Roles Anywhere.")
    {
        Subcommands.Add(new CreateCaCommand(environment));
        Subcommands.Add(new CreateProfileCommand(environment));
        Subcommands.Add(new ListCommand(environment));
        Subcommands.Add(new AcceptRequestCommand(environment));
        Subcommands.Add(new ListCertificatesCommand(environment));
        Subcommands.Add(new RevokeCommand(environment));
        Subcommands.Add(new PublishCrlCommand(environment));
        Subcommands.Add(new UpdateProfileCommand(environment));
        Subcommands.Add(new ShowProfileCommand(environment));
        Subcommands.Add(AttributeMappingCommand.Put(environment));
        Subcommands.Add(AttributeMappingCommand.Delete(environment));
        Subcommands.Add(new PutNotificationSettingsCommand(environment));
        Subcommands.Add(new ResetNotificationSettingsCommand(environment));
        Subcommands.Add(new ListTrustAnchorsCommand(environment));
        Subcommands.Add(new TrustAnchorEnabledCommand(environment, enabled: true));
        Subcommands.Add(new TrustAnchorEnabledCommand(environment, enabled: false));
        Subcommands.Add(new DeleteTrustAnchorCommand(environment));
    }
}
