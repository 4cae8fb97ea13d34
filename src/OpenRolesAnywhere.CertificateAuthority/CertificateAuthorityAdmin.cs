using System.Globalization;
using System.Numerics;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using OpenRolesAnywhere.CertificateAuthority.Aws;
using OpenRolesAnywhere.CertificateAuthority.ControlPlane;
using OpenRolesAnywhere.CertificateAuthority.Issuing;
using OpenRolesAnywhere.CertificateAuthority.Kms;
using OpenRolesAnywhere.CertificateAuthority.Ledger;
using OpenRolesAnywhere.CertificateAuthority.Revocation;
using OpenRolesAnywhere.CertificateAuthority.State;
using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.Core.Aws;
using OpenRolesAnywhere.Core.RolesAnywhere;
using OpenRolesAnywhere.Core.Signing;

namespace OpenRolesAnywhere.CertificateAuthority;

/// <summary>
/// The administrator's operations, shared by the <c>admin</c> commands and the admin HTTP routes: a CA
/// whose key stays in KMS, registered with Roles Anywhere, issuing into and revoking from the ledger.
/// </summary>
public sealed partial class CertificateAuthorityAdmin
{
    /// <summary>Certificates start a little in the past so a verifier whose clock lags still accepts them.</summary>
    private static readonly TimeSpan ClockSkewAllowance = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How far past the CA's end a certificate may be asked to run and be cut to the CA's end instead of
    /// refused: the original README makes the CA and then a certificate of the same length.
    /// </summary>
    private static readonly TimeSpan ValidityCapTolerance = TimeSpan.FromDays(1);

    private static readonly Dictionary<string, string> Tags = new() { ["openrolesanywhere"] = "true" };
    private readonly CaStateStore _store;
    private readonly AwsSettings _aws;
    private readonly TimeProvider _time;
    private readonly HttpClient _http;
    private readonly TimeSpan _ledgerLockTimeout;

    public CertificateAuthorityAdmin(CaStateStore store, AwsSettings aws, TimeProvider time, HttpClient http, TimeSpan? ledgerLockTimeout = null)
    {
        _store = store;
        _aws = aws;
        _time = time;
        _http = http;
        _ledgerLockTimeout = ledgerLockTimeout ?? TimeSpan.FromSeconds(10);
    }

    public CaStateStore Store => _store;

    /// <summary>How long a CRL is good for when none is said.</summary>
    public static TimeSpan DefaultCrlValidity { get; } = TimeSpan.FromDays(7);

    public async Task<CreateCaResult> CreateCaAsync(CreateCaRequest request, CancellationToken cancellationToken)
    {
        EnsureResourceName(request.Name, "--name");
        EnsurePositive(request.Validity, "--validity-duration");
        var subject = request.Subject.ToDistinguishedName();
        var serial = request.SerialNumber is null ? SerialNumbers.Random() : SerialNumbers.Parse(request.SerialNumber, "--serial-number");
        var state = _store.Load();
        if (state.TrustAnchorArn is not null)
        {
            throw new CredentialException(CredentialErrorKind.InvalidInput,
                $"A CA already exists here, registered as trust anchor {state.TrustAnchorArn}. Keep using it; to start another CA, use another configuration directory (XDG_CONFIG_HOME).");
        }

        // A key ARN pins the key's region; an id or alias is looked up in the configured region.
        var kmsRegion = Arn.TryParse(request.KmsKeyId, out var keyArn) && keyArn.Service == "kms" ? keyArn.Region : AwsResolution.Region(_aws);
        var credentials = AwsResolution.Credentials(_aws);
        using var kms = AwsResolution.CreateKmsClient(_aws, kmsRegion, credentials);
        var key = await KmsSignatureGenerator.OpenAsync(kms, request.KmsKeyId, cancellationToken);

        X509Certificate2 ca;
        var reused = _store.HasCaCertificate;
        if (reused)
        {
            // A previous create-ca made the certificate but could not register it: register that one.
            ca = _store.LoadCaCertificate();
            EnsureCaMatchesKey(ca, key);
        }
        else
        {
            ca = IssueCaCertificate(key, subject, serial, request.Validity);
            _store.SaveCaCertificate(ca);
            state = state with { KmsKeyArn = key.KeyArn };
            _store.Save(state);
        }

        using (ca)
        {
            var pem = ca.ExportCertificatePem() + "\n";
            // The trust anchor goes where the administrator's AWS configuration points, else beside the key.
            var region = _aws.Region ?? AwsResolution.TryRegion() ?? Arn.Parse(key.KeyArn, "KMS key ARN").Region;
            var controlPlane = ControlPlane(region, credentials);
            TrustAnchorSummary anchor;
            try
            {
                anchor = await controlPlane.CreateTrustAnchorAsync(request.Name, pem, new Dictionary<string, string>(Tags) { ["Name"] = request.Name }, cancellationToken);
            }
            catch (CredentialException e)
            {
                throw new CredentialException(e.Kind,
                    $"The CA certificate is saved at {_store.CaCertificatePath}, but registering it with Roles Anywhere failed: {e.Message} Run `admin create-ca` again to retry the registration; it reuses the saved certificate.", e);
            }

            _store.Save(state with { TrustAnchorArn = anchor.Arn, TrustAnchorName = request.Name });
            return new CreateCaResult(pem, key.KeyArn, anchor.Arn, SerialNumbers.ToDecimal(SerialNumbers.Of(ca)), reused);
        }
    }

    /// <summary>A new ledger that starts with the CA's own certificate; a failure leaves no ledger behind, so create-ca can be run again.</summary>
    private X509Certificate2 IssueCaCertificate(KmsSignatureGenerator key, X500DistinguishedName subject, BigInteger serial, TimeSpan validity)
    {
        var now = _time.GetUtcNow();
        var ledger = IssuanceLedger.CreateNew(_store.LedgerPath, _ledgerLockTimeout);
        var issued = false;
        try
        {
            var ca = ledger.Issue(serial, LedgerEntry.KindCa, now, () => CertificateFactory.CreateCa(key, subject, serial, now - ClockSkewAllowance, now + validity));
            issued = true;
            return ca;
        }
        finally
        {
            ledger.Dispose();
            if (!issued)
            {
                File.Delete(_store.LedgerPath);
            }
        }
    }

    public async Task<ProfileSummary> CreateProfileAsync(CreateProfileRequest request, CancellationToken cancellationToken)
    {
        EnsureResourceName(request.Name, "--name");
        if (request.RoleArns.Count == 0)
        {
            throw new CredentialException(CredentialErrorKind.InvalidInput, "Give at least one --role-arn (arn:aws:iam::123456789012:role/Name).");
        }

        foreach (var roleArn in request.RoleArns)
        {
            var arn = Arn.Parse(roleArn, "--role-arn");
            if (arn.Service != "iam" || !arn.Resource.StartsWith("role/", StringComparison.Ordinal))
            {
                throw new CredentialException(CredentialErrorKind.InvalidInput, $"--role-arn '{roleArn}' is not an IAM role ARN (arn:aws:iam::123456789012:role/Name).");
            }
        }

        var seconds = request.SessionDuration.TotalSeconds;
        if (!SessionDuration.IsAllowed(request.SessionDuration) || seconds != Math.Floor(seconds))
        {
            throw new CredentialException(CredentialErrorKind.InvalidInput,
                $"--session-duration must be whole seconds between 900s (15m) and 43200s (12h); got {seconds.ToString(CultureInfo.InvariantCulture)}s.");
        }

        var state = _store.Load();
        var profile = await ControlPlane(ControlPlaneRegion(state), AwsResolution.Credentials(_aws))
            .CreateProfileAsync(request.Name, request.RoleArns, (int)seconds, new Dictionary<string, string>(Tags) { ["Name"] = request.Name }, cancellationToken);
        _store.Save(state with { Profiles = [.. state.Profiles.Where(p => p.Name != request.Name), new ProfileRecord(request.Name, profile.Arn)] });
        return profile;
    }

    public async Task<(IReadOnlyList<TrustAnchorSummary> TrustAnchors, IReadOnlyList<ProfileSummary> Profiles)> ListAsync(CancellationToken cancellationToken)
    {
        var controlPlane = ControlPlane(ControlPlaneRegion(_store.Load()), AwsResolution.Credentials(_aws));
        var anchors = await controlPlane.ListTrustAnchorsAsync(cancellationToken);
        var profiles = await controlPlane.ListProfilesAsync(cancellationToken);
        return (anchors, profiles);
    }

    public async Task<IssuedCertificate> AcceptRequestAsync(AcceptRequestRequest request, CancellationToken cancellationToken)
    {
        var signingRequest = SigningRequest.Parse(request.RequestPem, request.RequestSource);
        var subject = request.Subject.ToDistinguishedName();
        EnsurePositive(request.Validity, "--validity-duration");
        var serial = request.SerialNumber is null ? SerialNumbers.Random() : SerialNumbers.Parse(request.SerialNumber, "--serial-number");
        var state = _store.Load();
        using var ca = _store.LoadCaCertificate();
        var trustAnchorArn = state.TrustAnchorArn ?? throw new CredentialException(CredentialErrorKind.NotFound,
            $"The CA at {_store.CaCertificatePath} was never registered with Roles Anywhere: run `openrolesanywhere admin create-ca` again to register it.");
        var profile = PickProfile(state, request.ProfileName);

        var now = _time.GetUtcNow();
        var notAfter = now + request.Validity;
        var caNotAfter = new DateTimeOffset(ca.NotAfter.ToUniversalTime());
        var warnings = signingRequest.Warning is { } warning ? new List<string> { warning } : [];
        if (notAfter > caNotAfter)
        {
            if (notAfter - caNotAfter > ValidityCapTolerance || caNotAfter <= now)
            {
                var longest = caNotAfter - now;
                throw new CredentialException(CredentialErrorKind.InvalidInput,
                    $"--validity-duration would end the certificate at {notAfter:u}, after the CA certificate expires at {caNotAfter:u}; give at most {Math.Max(0, Math.Floor(longest.TotalHours)).ToString(CultureInfo.InvariantCulture)}h.");
            }

            warnings.Add($"The certificate ends with the CA certificate at {caNotAfter:u}, {(notAfter - caNotAfter).TotalMinutes:0} minutes earlier than --validity-duration asked.");
            notAfter = caNotAfter;
        }

        var caNotBefore = new DateTimeOffset(ca.NotBefore.ToUniversalTime());
        var notBefore = now - ClockSkewAllowance < caNotBefore ? caNotBefore : now - ClockSkewAllowance;

        // The ledger is opened before KMS is asked to sign: without a ledger nothing is signed.
        using var ledger = IssuanceLedger.Open(_store.LedgerPath, _ledgerLockTimeout);
        var keyArn = KmsKeyArn(ca);
        using var kms = AwsResolution.CreateKmsClient(_aws, keyArn.Region, AwsResolution.Credentials(_aws));
        var key = await KmsSignatureGenerator.OpenAsync(kms, keyArn.ToString(), cancellationToken);
        EnsureCaMatchesKey(ca, key);
        using var certificate = ledger.Issue(serial, LedgerEntry.KindEndEntity, now, () => CertificateFactory.CreateEndEntity(
            key, ca, signingRequest.PublicKey, subject, serial, notBefore, notAfter, [profile.Arn, trustAnchorArn]));
        var entry = ledger.List().Single(e => e.SerialNumber == SerialNumbers.ToDecimal(serial));
        return new IssuedCertificate(certificate.ExportCertificatePem() + "\n", entry, warnings);
    }

    public IReadOnlyList<LedgerEntry> ListCertificates()
    {
        using var ledger = IssuanceLedger.Open(_store.LedgerPath, _ledgerLockTimeout);
        return ledger.List();
    }

    /// <summary>Records the revocation; it reaches Roles Anywhere with the next <see cref="PublishCrlAsync"/>.</summary>
    public LedgerEntry Revoke(string serialNumber, string? reason)
    {
        var serial = SerialNumbers.Parse(serialNumber, "--serial");
        var parsedReason = RevocationReasons.Parse(reason);
        using var ledger = IssuanceLedger.Open(_store.LedgerPath, _ledgerLockTimeout);
        return ledger.Revoke(serial, parsedReason, _time.GetUtcNow());
    }

    /// <summary>Signs a CRL of every revoked certificate and imports it (first time) or updates it in Roles Anywhere.</summary>
    public async Task<PublishedCrl> PublishCrlAsync(TimeSpan? validity, CancellationToken cancellationToken)
    {
        var crlValidity = validity ?? DefaultCrlValidity;
        EnsurePositive(crlValidity, "--crl-validity");
        var state = _store.Load();
        using var ca = _store.LoadCaCertificate();
        var trustAnchorArn = state.TrustAnchorArn ?? throw new CredentialException(CredentialErrorKind.NotFound,
            "The CA was never registered with Roles Anywhere: run `openrolesanywhere admin create-ca` again to register it.");
        using var ledger = IssuanceLedger.Open(_store.LedgerPath, _ledgerLockTimeout);
        var entries = ledger.List();
        var keyArn = KmsKeyArn(ca);
        var credentials = AwsResolution.Credentials(_aws);
        using var kms = AwsResolution.CreateKmsClient(_aws, keyArn.Region, credentials);
        var key = await KmsSignatureGenerator.OpenAsync(kms, keyArn.ToString(), cancellationToken);
        EnsureCaMatchesKey(ca, key);
        var now = _time.GetUtcNow();
        var number = ledger.NextCrlNumber(now);
        var der = CrlFactory.Build(key, ca, entries, number, now, now + crlValidity);
        _store.SaveCrl(der);

        var controlPlane = ControlPlane(ControlPlaneRegion(state), credentials);
        CrlSummary? crl = null;
        if (state.CrlId is { } crlId)
        {
            try
            {
                crl = await controlPlane.UpdateCrlAsync(crlId, der, cancellationToken);
            }
            catch (CredentialException e) when (e.Kind == CredentialErrorKind.NotFound)
            {
                // The CRL was deleted in Roles Anywhere: import it afresh rather than leave revocations unpublished.
            }
        }

        var imported = crl is null;
        if (crl is null)
        {
            crl = await controlPlane.ImportCrlAsync(CrlName(state), der, trustAnchorArn, Tags, cancellationToken);
            _store.Save(state with { CrlId = crl.Id, CrlArn = crl.Arn });
        }

        return new PublishedCrl(der, crl.Arn, imported, entries.Count(e => e.Status == LedgerEntry.StatusRevoked), number.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>The CRL last published, DER, or null before the first <see cref="PublishCrlAsync"/>.</summary>
    public byte[]? PublishedCrlDer() => _store.LoadCrl();

    private RolesAnywhereControlPlaneClient ControlPlane(string region, Amazon.Runtime.AWSCredentials credentials) =>
        new(_http, AwsEndpoint.Resolve(AwsService.RolesAnywhere, _aws.RolesAnywhereEndpoint, region, _aws.Environment), region, credentials, _time);

    /// <summary>Profiles and CRLs live in the trust anchor's region unless --region says otherwise.</summary>
    private string ControlPlaneRegion(CaState state) =>
        _aws.Region ?? (Arn.TryParse(state.TrustAnchorArn, out var anchor) ? anchor.Region : AwsResolution.Region(_aws));

    private static ProfileRecord PickProfile(CaState state, string? name)
    {
        if (state.Profiles.Count == 0)
        {
            throw new CredentialException(CredentialErrorKind.NotFound,
                "No profile has been created yet: run `openrolesanywhere admin create-profile` first; its ARN goes into the certificate.");
        }

        if (name is null)
        {
            return state.Profiles[^1];
        }

        return state.Profiles.LastOrDefault(p => p.Name == name) ?? throw new CredentialException(CredentialErrorKind.NotFound,
            $"No profile named '{name}' was created here; known: {string.Join(", ", state.Profiles.Select(p => p.Name))}.");
    }

    private Arn KmsKeyArn(X509Certificate2 ca)
    {
        var text = CertificateFactory.KmsKeyArnOf(ca) ?? throw new CredentialException(CredentialErrorKind.CertificateInvalid,
            $"{_store.CaCertificatePath} does not name its KMS key (a URI arn:aws:kms:... in its subject alternative name); it was not made by `admin create-ca`.");
        return Arn.Parse(text, "KMS key ARN");
    }

    private void EnsureCaMatchesKey(X509Certificate2 ca, KmsSignatureGenerator key)
    {
        if (!PublicKeys.AreEqual(ca.PublicKey, key.KeyPublicKey))
        {
            throw new CredentialException(CredentialErrorKind.KeyMismatch,
                $"The CA certificate {_store.CaCertificatePath} does not belong to the KMS key {key.KeyArn}: their public keys differ.");
        }
    }

    private static string CrlName(CaState state) =>
        (state.TrustAnchorName is { Length: > 0 and <= 250 } name ? name + "-crl" : "openrolesanywhere-crl");

    private static void EnsureResourceName(string name, string what)
    {
        if (!ResourceName().IsMatch(name))
        {
            throw new CredentialException(CredentialErrorKind.InvalidInput,
                $"{what} '{name}' is not a Roles Anywhere name: 1 to 255 letters, digits, spaces, '-' or '_'.");
        }
    }

    private static void EnsurePositive(TimeSpan duration, string what)
    {
        if (duration <= TimeSpan.Zero)
        {
            throw new CredentialException(CredentialErrorKind.InvalidInput, $"{what} must be longer than zero (for example 8760h).");
        }
    }

    [GeneratedRegex("^[ a-zA-Z0-9_-]{1,255}$")]
    private static partial Regex ResourceName();
}
