using System.CommandLine;
using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.Core.Credentials;
using OpenRolesAnywhere.Core.RolesAnywhere;

namespace OpenRolesAnywhere.Cli.Commands;

/// <summary>
/// The flags that name one certificate, key and role, shared by <c>credential-process</c> and <c>serve</c>.
/// Names follow the official client where they overlap.
/// </summary>
internal sealed class CredentialSourceOptionSet
{
    public Option<string?> Name { get; } = new("--name") { Description = "Use the certificate saved as NAME.pem in ~/.config/openrolesanywhere ($XDG_CONFIG_HOME honoured); its ARNs come from the certificate." };
    public Option<string?> Certificate { get; } = new("--certificate") { Description = "PEM certificate file (leaf first; any further certificates are intermediates), or a pkcs11: URI of a certificate on a token; env:NAME or - reads the PEM text from an environment variable or standard input." };
    public Option<string?> Intermediates { get; } = new("--intermediates") { Description = "PEM file of intermediate CA certificates, sent as X-Amz-X509-Chain." };
    public KeyOptionSet Key { get; } = new();
    public Option<string?> TrustAnchorArn { get; } = new("--trust-anchor-arn") { Description = "Trust anchor ARN (default: from the certificate's subject alternative name)." };
    public Option<string?> ProfileArn { get; } = new("--profile-arn") { Description = "Profile ARN (default: from the certificate's subject alternative name)." };
    public Option<string?> RoleArn { get; } = new("--role-arn") { Description = "The role to assume." };
    public Option<string> SessionDuration { get; } = new("--session-duration") { Description = "Session length: seconds or a Go duration (3600, 3600s, 1h); 900 to 43200 s.", DefaultValueFactory = _ => "3600" };
    public Option<string?> RoleSessionName { get; } = new("--role-session-name") { Description = "Role session name (needs the profile to accept custom names)." };
    public Option<string?> Region { get; } = new("--region") { Description = "Region of the trust anchor (default: from the trust anchor ARN)." };
    public Option<string?> Endpoint { get; } = new("--endpoint") { Description = "Roles Anywhere endpoint URL (default: AWS_ENDPOINT_URL_ROLESANYWHERE, AWS_ENDPOINT_URL, then the regional endpoint)." };

    // .NET's HttpClient always takes HTTPS_PROXY, HTTP_PROXY and NO_PROXY from the environment (the native build too).
    public Option<bool> WithProxy { get; } = new("--with-proxy") { Description = "Accepted for the official helper's scripts: HTTPS_PROXY, HTTP_PROXY and NO_PROXY are always honoured." };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Name, Certificate, Intermediates })
        {
            command.Options.Add(option);
        }

        Key.AddTo(command, required: false);
        foreach (var option in new Option[] { TrustAnchorArn, ProfileArn, RoleArn, SessionDuration, RoleSessionName, Region, Endpoint })
        {
            command.Options.Add(option);
        }

        command.Options.Add(WithProxy);
        command.Validators.Add(result =>
        {
            if (result.GetValue(Certificate) == "-" && result.GetValue(Key.PrivateKey) == "-")
            {
                result.AddError("Only one of --certificate and --private-key can read standard input (-): give the other as a file or env:NAME.");
            }
        });
    }

    /// <summary>The flags as options, checked (<see cref="SourceFieldRules"/>) before any file, key or server is touched.</summary>
    /// <exception cref="CredentialException">A flag's value is unusable; the message names the flag.</exception>
    public CredentialSourceOptions Bind(ParseResult result)
    {
        var options = Read(result);
        var flags = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [nameof(options.Name)] = Name.Name,
            [nameof(options.SessionDuration)] = SessionDuration.Name,
            [nameof(options.RoleSessionName)] = RoleSessionName.Name,
            [nameof(options.Region)] = Region.Name,
            [nameof(options.Endpoint)] = Endpoint.Name,
        };
        var failures = SourceFieldRules.Check(options, property => flags[property]);
        return failures.Count == 0 ? options : throw new CredentialException(CredentialErrorKind.InvalidInput, string.Join(Environment.NewLine, failures));
    }

    private CredentialSourceOptions Read(ParseResult result) => new()
    {
        Name = result.GetValue(Name),
        Certificate = result.GetValue(Certificate),
        Intermediates = result.GetValue(Intermediates),
        Key = Key.Bind(result),
        TrustAnchorArn = result.GetValue(TrustAnchorArn),
        ProfileArn = result.GetValue(ProfileArn),
        RoleArn = result.GetValue(RoleArn),
        SessionDuration = result.GetValue(SessionDuration)!,
        RoleSessionName = result.GetValue(RoleSessionName),
        Region = result.GetValue(Region),
        Endpoint = result.GetValue(Endpoint),
    };
}
