using System.CommandLine;
using OpenRolesAnywhere.CertificateAuthority.ControlPlane;
using OpenRolesAnywhere.Core;

namespace OpenRolesAnywhere.Cli.Commands.Admin;

/// <summary>The profile settings create-profile and update-profile both take; a flag left out leaves its setting alone.</summary>
internal sealed class ProfileSettingsOptionSet
{
    private readonly Option<string?> _sessionPolicy = new("--session-policy") { Description = "A file holding an IAM policy document (JSON) that narrows every session of the profile." };
    private readonly Option<string[]> _managedPolicies = new("--managed-policy-arn") { Description = "A managed policy that narrows the sessions; repeat for more." };
    private readonly Option<bool?> _acceptRoleSessionName = new("--accept-role-session-name") { Description = "true: callers may name their role session (credential-process --role-session-name)." };

    public void AddTo(Command command)
    {
        command.Options.Add(_sessionPolicy);
        command.Options.Add(_managedPolicies);
        command.Options.Add(_acceptRoleSessionName);
    }

    public ProfileSettings Settings(ParseResult result) => new()
    {
        SessionPolicy = result.GetValue(_sessionPolicy) is { } file ? ReadPolicy(file) : null,
        ManagedPolicyArns = result.GetValue(_managedPolicies) is { Length: > 0 } arns ? arns : null,
        AcceptRoleSessionName = result.GetValue(_acceptRoleSessionName),
    };

    private static string ReadPolicy(string file)
    {
        try
        {
            return File.ReadAllText(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CredentialException(CredentialErrorKind.InvalidInput, $"Cannot read the --session-policy file '{file}': {e.Message}", e);
        }
    }
}
