using System.CommandLine;
using OpenRolesAnywhere.Admin.Http;
using OpenRolesAnywhere.CertificateAuthority;
using OpenRolesAnywhere.CertificateAuthority.Aws;
using OpenRolesAnywhere.CertificateAuthority.State;
using OpenRolesAnywhere.Cli.Keys;

namespace OpenRolesAnywhere.Cli.Commands.Admin;

/// <summary>Where the admin commands reach AWS; credentials always come from the AWS SDK's own resolution.</summary>
/// <param name="prefix">Put before each flag's name where it would clash with a command's own (<c>serve --admin-region</c>).</param>
/// <param name="signs">The command may sign with the CA key, so KMS may be called: only then is there a KMS endpoint flag.</param>
internal sealed class AdminAwsOptionSet(string prefix = "--", bool signs = false)
{
    public Option<string?> Region { get; } = new(prefix + "region") { Description = "AWS region. [default: the trust anchor's or KMS key's region, then AWS_REGION / your AWS profile]" };

    public Option<string?> Endpoint { get; } = new(prefix + "endpoint") { Description = "Roles Anywhere endpoint URL. [default: AWS_ENDPOINT_URL_ROLESANYWHERE, AWS_ENDPOINT_URL, then the regional endpoint]" };

    public Option<string?> KmsEndpoint { get; } = new(prefix + "kms-endpoint") { Description = "KMS endpoint URL. [default: AWS_ENDPOINT_URL_KMS, AWS_ENDPOINT_URL, then the regional endpoint]" };

    public void AddTo(Command command)
    {
        command.Options.Add(Region);
        command.Options.Add(Endpoint);
        if (signs)
        {
            command.Options.Add(KmsEndpoint);
        }
    }

    /// <summary>The admin commands name an operation's inputs by their flags: the field "validity duration" is <c>--validity-duration</c>.</summary>
    public static string Flag(string field) => "--" + field.Replace(' ', '-');

    /// <summary>For the commands that touch only local files (the ledger): no AWS flags, no HTTP client.</summary>
    public static CaContext CreateLocalContext(CliEnvironment environment) =>
        new(CaStateStore.Default(environment.Variable), new AwsSettings { Environment = environment.Variable }, environment.Time, http: null, label: Flag);

    /// <summary>With the key backends, for a CA key outside KMS; a PIN is asked for on the terminal where no variable holds it.</summary>
    public CaContext CreateContext(ParseResult result, CliEnvironment environment, HttpClient http) =>
        new(CaStateStore.Default(environment.Variable), Settings(result, environment), environment.Time, http, label: Flag,
            keys: KeySourceRegistration.Create(environment, result.InvocationConfiguration.Error));

    /// <summary>What <c>serve --admin-listen</c> needs to build the same operations the commands use, behind its routes.</summary>
    public AdminEndpointOptions EndpointOptions(ParseResult result, CliEnvironment environment, string tokenFile) =>
        new(CaStateStore.Default(environment.Variable), Settings(result, environment), tokenFile)
        {
            Keys = KeySourceRegistration.Create(environment, result.InvocationConfiguration.Error),
        };

    private AwsSettings Settings(ParseResult result, CliEnvironment environment) => new()
    {
        Region = result.GetValue(Region),
        RolesAnywhereEndpoint = result.GetValue(Endpoint),
        KmsEndpoint = signs ? result.GetValue(KmsEndpoint) : null,
        Environment = environment.Variable,
    };
}
