using System.Security.Cryptography.X509Certificates;
using OpenRolesAnywhere.Core.Aws;
using OpenRolesAnywhere.Core.Certificates;
using OpenRolesAnywhere.Core.RolesAnywhere;
using OpenRolesAnywhere.Core.Signing;

namespace OpenRolesAnywhere.Core.Diagnostics;

/// <summary>
/// Checks, in order, what Roles Anywhere checks before it answers CreateSession, so "AccessDeniedException:
/// Untrusted Signing Certificate" becomes one line naming the cause. A check that needs what an earlier one could
/// not give is skipped, saying why; nothing secret is reported.
/// </summary>
public sealed class Doctor : IDisposable
{
    public const string CertificateName = "certificate";
    public const string RequestName = "request";
    public const string TrustAnchorName = "trust anchor";
    public const string CreateSessionName = "create session";

    private readonly DoctorSettings _settings;
    private readonly Action<CheckResult> _report;
    private CertificateBundle? _certificate;
    private CreateSessionRequest? _request;
    private ISigningKey? _key;
    private IRolesAnywhereDirectory? _directory;
    private string? _noDirectory;

    private Doctor(DoctorSettings settings, Action<CheckResult> report)
    {
        _settings = settings;
        _report = report;
    }

    /// <summary>Runs every check, reporting each as it ends; true when none failed.</summary>
    public static async Task<bool> RunAsync(DoctorSettings settings, Action<CheckResult> report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(report);
        var failed = false;
        using var doctor = new Doctor(settings, result =>
        {
            failed |= result.Outcome == CheckOutcome.Fail;
            report(result);
        });
        await doctor.RunAsync(cancellationToken);
        return !failed;
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        if (!LoadCertificate())
        {
            Skip("it needs the certificate", RequestName, KeyCheck.Name, CertificateChecks.KeyTypeName, CertificateChecks.ValidityName,
                CertificateChecks.ExtensionsName, ClockCheck.Name, TrustAnchorName, ChainCheck.Name, RevocationCheck.Name, ProfileCheck.Name, CreateSessionName);
            return;
        }

        var certificate = _certificate!;
        BuildRequest();
        var (keyResult, key) = await KeyCheck.CheckAsync(_settings.Keys, _settings.Source.Key, certificate, cancellationToken);
        _key = key;
        _report(keyResult);
        _report(CertificateChecks.KeyType(certificate.Leaf));
        var now = _settings.Time.GetUtcNow();
        _report(CertificateChecks.Validity(certificate.Leaf, now));
        _report(CertificateChecks.Extensions(certificate.Leaf));
        await CheckServiceAsync(certificate, now, cancellationToken);
    }

    private async Task CheckServiceAsync(CertificateBundle certificate, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (_request is not { } request)
        {
            _noDirectory = "the request is incomplete (see \"request\")";
            Skip(_noDirectory, ClockCheck.Name);
        }
        else
        {
            var endpoint = AwsEndpoint.Resolve(AwsService.RolesAnywhere, request.Endpoint, request.EffectiveRegion, _settings.Environment);
            var clock = await ClockCheck.CheckAsync(_settings.Http, endpoint, _settings.Time, cancellationToken);
            _report(clock);
            _noDirectory = clock.Outcome == CheckOutcome.Fail ? "Roles Anywhere cannot be asked (see \"clock\")"
                : _settings.Directory is null ? "this build cannot read the control plane" : null;
            _directory = _noDirectory is null ? _settings.Directory!(endpoint, request.EffectiveRegion) : null;
        }

        var anchors = await CheckTrustAnchorAsync(cancellationToken);
        _report(anchors is null
            ? CheckResult.Skip(ChainCheck.Name, "The trust anchor's certificate is not known.", "Give it with --trust-anchor-certificate FILE, or use AWS credentials that may call rolesanywhere:GetTrustAnchor.")
            : ChainCheck.Check(certificate, anchors, now));
        var crls = await ReadAsync(RevocationCheck.Name, "CRLs", "ListCrls", (d, r, ct) => d.ListCrlsAsync(r.TrustAnchorArn, ct), cancellationToken);
        _report(crls.Problem ?? RevocationCheck.Check(certificate.Leaf, crls.Value!));
        var profile = await ReadAsync(ProfileCheck.Name, "profile", "GetProfile", (d, r, ct) => d.GetProfileAsync(r.ProfileArn, ct), cancellationToken);
        _report(profile.Problem ?? ProfileCheck.Check(profile.Value!, _request!));
        await TryCreateSessionAsync(cancellationToken);
    }

    private bool LoadCertificate()
    {
        try
        {
            var path = _settings.Source.CertificatePath(_settings.Environment);
            _certificate = _settings.Source.LoadCertificate(_settings.Keys, path);
            var leaf = _certificate.Leaf;
            _report(CheckResult.Pass(CertificateName, $"{leaf.Subject}, serial {_certificate.SerialNumberDecimal}, issued by {leaf.Issuer}, with {_certificate.Intermediates.Count} intermediate(s)."));
            return true;
        }
        catch (CredentialException e)
        {
            _report(CheckResult.Fail(CertificateName, e.Message, "Give the certificate: a file, a certificate on a token, or the name of one saved as NAME.pem."));
            return false;
        }
    }

    private void BuildRequest()
    {
        try
        {
            var request = _settings.Source.ToRequest(_certificate!);
            request.Validate();
            _ = request.EffectiveRegion;
            _request = request;
            _report(CheckResult.Pass(RequestName, $"Trust anchor {request.TrustAnchorArn}, profile {request.ProfileArn}, role {request.RoleArn}, {(int)request.Duration.TotalSeconds} s, region {request.EffectiveRegion}."));
        }
        catch (CredentialException e)
        {
            _report(CheckResult.Fail(RequestName, e.Message, "Give the missing flag (doctor takes the flags of credential-process)."));
        }
    }

    /// <summary>Reports the anchor's state and returns its certificates (from the file given, else from the service), or null.</summary>
    private async Task<IReadOnlyList<X509Certificate2>?> CheckTrustAnchorAsync(CancellationToken cancellationToken)
    {
        var detail = await ReadAsync(TrustAnchorName, "trust anchor", "GetTrustAnchor", (d, r, ct) => d.GetTrustAnchorAsync(r.TrustAnchorArn, ct), cancellationToken);
        if (_settings.TrustAnchorCertificate is { } file)
        {
            try
            {
                var fromFile = CertificateBundle.LoadAll(file);
                _report(detail.Value is { } known ? Enabled(known, $"its certificate read from {file}") : detail.Problem!);
                return fromFile.Count > 0 ? fromFile : throw new CredentialException(CredentialErrorKind.CertificateInvalid, $"{file} holds no PEM certificate.");
            }
            catch (CredentialException e)
            {
                _report(CheckResult.Fail(TrustAnchorName, e.Message, "Give the trust anchor's CA certificate as a PEM file to --trust-anchor-certificate."));
                return null;
            }
        }

        if (detail.Value is not { } anchor)
        {
            _report(detail.Problem!);
            return null;
        }

        var certificates = anchor.CertificatePem is { } pem ? CertificateBundle.ParsePem(pem, anchor.Arn) : null;
        _report(Enabled(anchor, certificates is null ? $"its certificate is not in the answer ({anchor.SourceType}): give it with --trust-anchor-certificate" : $"{certificates.Count} certificate(s) read from Roles Anywhere"));
        return certificates;
    }

    private static CheckResult Enabled(TrustAnchorDetail anchor, string note) => anchor.Enabled
        ? CheckResult.Pass(TrustAnchorName, $"Enabled; {note}.")
        : CheckResult.Fail(TrustAnchorName, $"The trust anchor {anchor.Arn} is disabled; Roles Anywhere answers \"Untrusted signing certificate\".",
            "Enable it (`aws rolesanywhere enable-trust-anchor --trust-anchor-id ...`).");

    private async Task<(T? Value, CheckResult? Problem)> ReadAsync<T>(
        string name, string what, string operation, Func<IRolesAnywhereDirectory, CreateSessionRequest, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
        where T : class
    {
        if (_directory is null || _request is null)
        {
            return (null, CheckResult.Skip(name, $"The {what} cannot be read: {_noDirectory}."));
        }

        try
        {
            return (await read(_directory, _request, cancellationToken), null);
        }
        catch (CredentialException e) when (e.Kind == CredentialErrorKind.NotFound)
        {
            return (null, CheckResult.Fail(name, $"Roles Anywhere does not know the {what}: {e.Message}", "Check the ARN and the region."));
        }
        catch (CredentialException e)
        {
            return (null, CheckResult.Skip(name, $"The {what} cannot be read: {e.Message}", $"Use AWS credentials that may call rolesanywhere:{operation} to check it."));
        }
    }

    private async Task TryCreateSessionAsync(CancellationToken cancellationToken)
    {
        if (!_settings.Try || _key is null || _request is null)
        {
            _report(CheckResult.Skip(CreateSessionName, !_settings.Try ? "Not asked for; add --try to call CreateSession." : "It needs the key and a complete request."));
            return;
        }

        var client = new RolesAnywhereClient(_settings.Http, _settings.Time, environment: _settings.Environment);
        try
        {
            var credentials = await client.CreateSessionAsync(_request, _certificate!, _key, cancellationToken);
            _report(CheckResult.Pass(CreateSessionName, $"Roles Anywhere issued credentials for {credentials.RoleArn} until {credentials.Expiration.UtcDateTime:u}."));
        }
        catch (CredentialException e)
        {
            _report(CheckResult.Fail(CreateSessionName, e.Message, "See docs/doctor.md for what Roles Anywhere's refusals mean."));
        }
    }

    private void Skip(string reason, params string[] names)
    {
        foreach (var name in names)
        {
            _report(CheckResult.Skip(name, $"Skipped: {reason}."));
        }
    }

    public void Dispose()
    {
        _key?.Dispose();
        _certificate?.Dispose();
    }
}
