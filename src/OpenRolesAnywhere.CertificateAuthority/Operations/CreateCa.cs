using System.Numerics;
using System.Security.Cryptography.X509Certificates;
using Amazon.Runtime;
using OpenRolesAnywhere.CertificateAuthority.Aws;
using OpenRolesAnywhere.CertificateAuthority.ControlPlane;
using OpenRolesAnywhere.CertificateAuthority.Issuing;
using OpenRolesAnywhere.CertificateAuthority.Ledger;
using OpenRolesAnywhere.CertificateAuthority.State;
using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.Core.RolesAnywhere;

namespace OpenRolesAnywhere.CertificateAuthority;

/// <summary>
/// <c>admin create-ca</c>, <c>POST /admin/ca</c>: a self-signed CA certificate signed by the CA key (KMS, an SSH agent, a token or a file), saved,
/// and registered with Roles Anywhere as a trust anchor. A certificate saved by a run whose registration
/// failed is registered again rather than made anew.
/// </summary>
public sealed class CreateCa(CaContext context)
{
    /// <summary>Certificates start a little in the past so a verifier whose clock lags still accepts them.</summary>
    internal static readonly TimeSpan ClockSkewAllowance = TimeSpan.FromMinutes(5);

    public async Task<CreateCaResult> RunAsync(CreateCaRequest request, CancellationToken cancellationToken)
    {
        context.EnsureResourceName(request.Name);
        context.EnsurePositive(request.Validity, AdminFields.ValidityDuration);
        var subject = request.Subject.ToDistinguishedName(context.Label);
        var serial = request.SerialNumber is null ? SerialNumbers.Random() : SerialNumbers.Parse(request.SerialNumber, context.Label(AdminFields.SerialNumber));
        var store = context.Store;
        var state = store.Load();
        if (state.TrustAnchorArn is not null)
        {
            throw new CredentialException(CredentialErrorKind.InvalidInput,
                $"A CA already exists here, registered as trust anchor {state.TrustAnchorArn}. Keep using it; to start another CA, use another configuration directory (XDG_CONFIG_HOME).");
        }

        var credentials = AwsResolution.Credentials(context.Aws);
        using var key = await OpenKeyAsync(request, credentials, cancellationToken);
        var warnings = key.IsKeyFile
            ? new List<string> { $"The CA key is in a file ({key.Description}): whoever can read it can issue certificates your roles trust. Keep CA keys in KMS, a token (pkcs11:) or an SSH agent backed by hardware." }
            : [];

        var reused = store.HasCaCertificate;
        using var ca = reused ? SavedCertificate(key) : NewCertificate(key, subject, serial, request.Validity, state);
        var pem = ca.ExportCertificatePem() + "\n";
        var anchor = await RegisterAsync(request.Name, pem, key, credentials, cancellationToken);
        store.Save(store.Load() with { TrustAnchorArn = anchor.Arn, TrustAnchorName = request.Name });
        return new CreateCaResult(pem, key.KmsKeyArn, anchor.Arn, SerialNumbers.ToDecimal(SerialNumbers.Of(ca)), reused, key.Description, warnings);
    }

    /// <summary>KMS, or the key backends of the host: exactly one must be named.</summary>
    private Task<CaSigner> OpenKeyAsync(CreateCaRequest request, AWSCredentials credentials, CancellationToken cancellationToken) =>
        (request.KmsKeyId, request.Key) switch
        {
            ({ } keyId, null) => CaSigner.OpenKmsAsync(context, keyId, credentials, cancellationToken),
            (null, { } key) => CaSigner.OpenKeySourceAsync(context, key, cancellationToken),
            _ => throw new CredentialException(CredentialErrorKind.InvalidInput,
                $"Name the CA key once: {context.Label(AdminFields.KmsKeyId)} for KMS, or {context.Label(AdminFields.SshFingerprint)} / {context.Label(AdminFields.PrivateKey)} for an SSH agent key, a pkcs11: URI or a key file."),
        };

    /// <summary>A previous run made the certificate but could not register it: register that one.</summary>
    private X509Certificate2 SavedCertificate(CaSigner key)
    {
        var ca = context.Store.LoadCaCertificate();
        try
        {
            CaSigner.EnsureMatches(context.Store, ca, key);
            return ca;
        }
        catch
        {
            ca.Dispose();
            throw;
        }
    }

    private X509Certificate2 NewCertificate(CaSigner key, X500DistinguishedName subject, BigInteger serial, TimeSpan validity, CaState state)
    {
        var ca = IssueCaCertificate(key, subject, serial, validity);
        context.Store.SaveCaCertificate(ca);
        context.Store.Save(state with { KmsKeyArn = key.KmsKeyArn, CaKey = key.Reference });
        return ca;
    }

    /// <summary>A new ledger that starts with the CA's own certificate; a failure leaves no ledger behind, so create-ca can be run again.</summary>
    private X509Certificate2 IssueCaCertificate(CaSigner key, X500DistinguishedName subject, BigInteger serial, TimeSpan validity)
    {
        var now = context.Time.GetUtcNow();
        var ledger = IssuanceLedgers.CreateNew(context.Store, context.LedgerLockTimeout);
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
                IssuanceLedgers.Discard(context.Store, context.LedgerLockTimeout);
            }
        }
    }

    /// <summary>The trust anchor goes where the administrator's AWS configuration points, else beside the key.</summary>
    private async Task<TrustAnchorSummary> RegisterAsync(string name, string pem, CaSigner key, AWSCredentials credentials, CancellationToken cancellationToken)
    {
        var region = context.Aws.Region ?? AwsResolution.TryRegion()
            ?? (key.KmsKeyArn is { } keyArn ? Arn.Parse(keyArn, "KMS key ARN").Region : AwsResolution.Region(context.Aws));
        try
        {
            return await context.ControlPlane(region, credentials).CreateTrustAnchorAsync(name, pem, CaContext.TagsNamed(name), cancellationToken);
        }
        catch (CredentialException e)
        {
            throw new CredentialException(e.Kind,
                $"The CA certificate is saved at {context.Store.CaCertificatePath}, but registering it with Roles Anywhere failed: {e.Message} Run `admin create-ca` again to retry the registration; it reuses the saved certificate.", e);
        }
    }
}
