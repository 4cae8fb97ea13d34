using System.CommandLine;
using Amazon.Runtime;
using OpenRolesAnywhere.CertificateAuthority.Aws;
using OpenRolesAnywhere.CertificateAuthority.ControlPlane;
using OpenRolesAnywhere.Cli.Keys;
using OpenRolesAnywhere.Core.Diagnostics;

namespace OpenRolesAnywhere.Cli.Commands;

/// <summary>
/// <c>openrolesanywhere doctor</c>: the flags of <c>credential-process</c>, and one line per check of what Roles
/// Anywhere will check, each with its reason and fix; exit 0 when none fails.
/// </summary>
internal sealed class DoctorCommand : Command
{
    private readonly Option<string?> _trustAnchorCertificate = new("--trust-anchor-certificate")
    {
        Description = "PEM file of the trust anchor's CA certificate. [default: read from Roles Anywhere with your AWS credentials]",
    };

    private readonly Option<bool> _try = new("--try") { Description = "Call CreateSession at the end (prints no credential)." };

    public DoctorCommand(CliEnvironment environment)
        : base("doctor", "Check the certificate, key, trust anchor, profile and clock the way Roles Anywhere will, one line per check.")
    {
        var source = new CredentialSourceOptionSet();
        source.AddTo(this);
        Options.Add(_trustAnchorCertificate);
        Options.Add(_try);
        SetAction(async (parseResult, cancellationToken) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            using var http = environment.CreateHttpClient();
            var aws = new AwsSettings { Environment = environment.Variable, Credentials = StaticCredentials(environment) };
            var settings = new DoctorSettings
            {
                Source = source.Bind(parseResult),
                Keys = KeySourceRegistration.Create(environment, parseResult.InvocationConfiguration.Error),
                Http = http,
                Time = environment.Time,
                Environment = environment.Variable,
                Directory = (endpoint, region) => new ControlPlaneDirectory(http, endpoint, region, aws, environment.Time),
                TrustAnchorCertificate = parseResult.GetValue(_trustAnchorCertificate),
                Try = parseResult.GetValue(_try),
            };
            var counts = new Dictionary<CheckOutcome, int>();
            var passed = await Doctor.RunAsync(settings, result =>
            {
                counts[result.Outcome] = counts.GetValueOrDefault(result.Outcome) + 1;
                output.WriteLine(Format(result));
            }, cancellationToken);
            await output.WriteLineAsync(
                $"{counts.GetValueOrDefault(CheckOutcome.Pass)} passed, {counts.GetValueOrDefault(CheckOutcome.Fail)} failed, {counts.GetValueOrDefault(CheckOutcome.Skipped)} skipped.");
            return passed ? ExitCodes.Success : ExitCodes.ChecksFailed;
        });
    }

    /// <summary>One line: outcome, check, reason, and the fix when there is one.</summary>
    public static string Format(CheckResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var outcome = result.Outcome switch { CheckOutcome.Pass => "pass", CheckOutcome.Fail => "FAIL", _ => "skip" };
        return $"{outcome}  {result.Name,-14} {result.Reason}{(result.Fix is null ? "" : "  Fix: " + result.Fix)}";
    }

    /// <summary>
    /// Keys in the environment the command was given (the SDK's chain reads the same variables first, but from the
    /// process); anything else (profiles, SSO, instance roles) is left to the SDK's chain.
    /// </summary>
    private static AWSCredentials? StaticCredentials(CliEnvironment environment) =>
        (environment.Variable("AWS_ACCESS_KEY_ID"), environment.Variable("AWS_SECRET_ACCESS_KEY"), environment.Variable("AWS_SESSION_TOKEN")) switch
        {
            ({ Length: > 0 } id, { Length: > 0 } secret, { Length: > 0 } token) => new SessionAWSCredentials(id, secret, token),
            ({ Length: > 0 } id, { Length: > 0 } secret, _) => new BasicAWSCredentials(id, secret),
            _ => null,
        };
}
