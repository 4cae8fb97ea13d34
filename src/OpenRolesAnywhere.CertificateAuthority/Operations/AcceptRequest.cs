using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using OpenRolesAnywhere.CertificateAuthority.Issuing;
using OpenRolesAnywhere.CertificateAuthority.Ledger;
using OpenRolesAnywhere.CertificateAuthority.State;
using OpenRolesAnywhere.Core;

namespace OpenRolesAnywhere.CertificateAuthority;

/// <summary>
/// <c>admin accept-request</c>, <c>POST /admin/certificates</c>: a certificate for a CSR (or a bare public
/// key), carrying the profile and trust anchor ARNs, signed by the CA key and recorded in the ledger.
/// </summary>
public sealed class AcceptRequest(CaContext context)
{
    /// <summary>
    /// How far past the CA's end a certificate may be asked to run and be cut to the CA's end instead of
    /// refused: the original README makes the CA and then a certificate of the same length.
    /// </summary>
    private static readonly TimeSpan ValidityCapTolerance = TimeSpan.FromDays(1);

    public async Task<IssuedCertificate> RunAsync(AcceptRequestRequest request, CancellationToken cancellationToken)
    {
        var signingRequest = SigningRequest.Parse(request.RequestPem, request.RequestSource);
        var subject = request.Subject.ToDistinguishedName(context.Label);
        context.EnsurePositive(request.Validity, AdminFields.ValidityDuration);
        var serial = request.SerialNumber is null ? SerialNumbers.Random() : SerialNumbers.Parse(request.SerialNumber, context.Label(AdminFields.SerialNumber));
        var state = context.Store.Load();
        using var ca = context.Store.LoadCaCertificate();
        var trustAnchorArn = state.TrustAnchorArn ?? throw new CredentialException(CredentialErrorKind.NotFound,
            $"The CA at {context.Store.CaCertificatePath} was never registered with Roles Anywhere: run `openrolesanywhere admin create-ca` again to register it.");
        var profile = PickProfile(state, request.ProfileName);
        var now = context.Time.GetUtcNow();
        var warnings = signingRequest.Warning is { } warning ? new List<string> { warning } : [];
        var (notBefore, notAfter) = Window(ca, now, request.Validity, warnings);

        // The ledger is opened before the CA key is asked to sign: without a ledger nothing is signed.
        using var ledger = context.OpenLedger();
        using var signer = await CaSigner.OpenAsync(context, ca, cancellationToken);
        using var certificate = ledger.Issue(serial, LedgerEntry.KindEndEntity, now, () => CertificateFactory.CreateEndEntity(
            signer, ca, signingRequest.PublicKey, subject, serial, notBefore, notAfter, [profile.Arn, trustAnchorArn]));
        var entry = ledger.List().Single(e => e.SerialNumber == SerialNumbers.ToDecimal(serial));
        return new IssuedCertificate(certificate.ExportCertificatePem() + "\n", entry, warnings);
    }

    /// <summary>From a little before now (not before the CA) to the asked end, cut to the CA's end when that is close.</summary>
    private (DateTimeOffset NotBefore, DateTimeOffset NotAfter) Window(X509Certificate2 ca, DateTimeOffset now, TimeSpan validity, List<string> warnings)
    {
        var notAfter = now + validity;
        var caNotAfter = new DateTimeOffset(ca.NotAfter.ToUniversalTime());
        if (notAfter > caNotAfter)
        {
            var label = context.Label(AdminFields.ValidityDuration);
            if (notAfter - caNotAfter > ValidityCapTolerance || caNotAfter <= now)
            {
                var longest = caNotAfter - now;
                throw new CredentialException(CredentialErrorKind.InvalidInput,
                    $"{label} would end the certificate at {notAfter:u}, after the CA certificate expires at {caNotAfter:u}; give at most {Math.Max(0, Math.Floor(longest.TotalHours)).ToString(CultureInfo.InvariantCulture)}h.");
            }

            // The same validity for CA and certificate (the README's walkthrough) differs by the seconds between the two
            // commands: not worth a warning, and the message counts whole minutes.
            var minutes = Math.Floor((notAfter - caNotAfter).TotalMinutes);
            if (minutes >= 1)
            {
                warnings.Add($"The certificate ends with the CA certificate at {caNotAfter:u}, {minutes.ToString(CultureInfo.InvariantCulture)} minute{(minutes == 1 ? "" : "s")} earlier than {label} asked.");
            }

            notAfter = caNotAfter;
        }

        var caNotBefore = new DateTimeOffset(ca.NotBefore.ToUniversalTime());
        var notBefore = now - CreateCa.ClockSkewAllowance < caNotBefore ? caNotBefore : now - CreateCa.ClockSkewAllowance;
        return (notBefore, notAfter);
    }

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
}
