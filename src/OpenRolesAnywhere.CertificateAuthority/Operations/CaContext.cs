using System.Text.RegularExpressions;
using Amazon.Runtime;
using OpenRolesAnywhere.CertificateAuthority.Aws;
using OpenRolesAnywhere.CertificateAuthority.ControlPlane;
using OpenRolesAnywhere.CertificateAuthority.Ledger;
using OpenRolesAnywhere.CertificateAuthority.State;
using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.Core.Aws;
using OpenRolesAnywhere.Core.KeySources;
using OpenRolesAnywhere.Core.RolesAnywhere;

namespace OpenRolesAnywhere.CertificateAuthority;

/// <summary>
/// What every administrator's operation works with: the CA's files, how to reach AWS, the clock, the HTTP
/// client of the control plane, and how errors name the caller's inputs. The CLI commands and the admin
/// HTTP routes each make one and hand it to the operation classes.
/// </summary>
/// <param name="http">Carries control-plane calls; operations on local files only (the ledger) need none.</param>
/// <param name="label">Names an input field (<see cref="AdminFields"/>) in errors; the field itself by default.</param>
/// <param name="keys">The host's key backends, for a CA key outside KMS; this library names none of them.</param>
public sealed partial class CaContext(
    CaStateStore store, AwsSettings aws, TimeProvider time, HttpClient? http, TimeSpan? ledgerLockTimeout = null, Func<string, string>? label = null,
    KeySourceProviders? keys = null)
{
    /// <summary>Tags on every resource made in Roles Anywhere, so they can be found again.</summary>
    internal static readonly IReadOnlyDictionary<string, string> Tags = new Dictionary<string, string> { ["openrolesanywhere"] = "true" };

    public CaStateStore Store => store;

    public AwsSettings Aws => aws;

    public TimeProvider Time => time;

    public Func<string, string> Label { get; } = label ?? AdminFields.Plain;

    internal KeySourceProviders Keys => keys ?? throw new CredentialException(CredentialErrorKind.InvalidInput,
        "This CA's key is not in KMS, and this program was started without key backends to reach it.");

    internal IIssuanceLedger OpenLedger() => IssuanceLedgers.Open(store, LedgerLockTimeout);

    internal TimeSpan LedgerLockTimeout { get; } = ledgerLockTimeout ?? TimeSpan.FromSeconds(10);

    internal RolesAnywhereControlPlaneClient ControlPlane(string region, AWSCredentials credentials) =>
        new(http ?? throw new InvalidOperationException("This context was made for local operations: give it an HttpClient."), AwsEndpoint.Resolve(AwsService.RolesAnywhere, aws.RolesAnywhereEndpoint, region, aws.Environment), region, credentials, time);

    /// <summary>Profiles and CRLs live in the trust anchor's region unless a region is configured.</summary>
    internal RolesAnywhereControlPlaneClient ControlPlane(CaState state) =>
        ControlPlane(aws.Region ?? (Arn.TryParse(state.TrustAnchorArn, out var anchor) ? anchor.Region : AwsResolution.Region(aws)), AwsResolution.Credentials(aws));

    internal static Dictionary<string, string> TagsNamed(string name) => new(Tags) { ["Name"] = name };

    internal void EnsurePositive(TimeSpan duration, string field)
    {
        if (duration <= TimeSpan.Zero)
        {
            throw new CredentialException(CredentialErrorKind.InvalidInput, $"{Label(field)} must be longer than zero (for example 8760h).");
        }
    }

    internal void EnsureResourceName(string name)
    {
        if (!ResourceName().IsMatch(name))
        {
            throw new CredentialException(CredentialErrorKind.InvalidInput,
                $"{Label(AdminFields.Name)} '{name}' is not a Roles Anywhere name: 1 to 255 letters, digits, spaces, '-' or '_'.");
        }
    }

    [GeneratedRegex("^[ a-zA-Z0-9_-]{1,255}$")]
    private static partial Regex ResourceName();
}
