using OpenRolesAnywhere.CertificateAuthority.ControlPlane;
using OpenRolesAnywhere.CertificateAuthority.Ledger;

namespace OpenRolesAnywhere.CertificateAuthority.Tests.Support;

/// <summary>The seven operation classes over one context, so a test reads as the administrator's steps.</summary>
internal sealed class AdminOperations(CaContext context)
{
    public CaContext Context => context;

    public Task<CreateCaResult> CreateCaAsync(CreateCaRequest request, CancellationToken cancellationToken) => new CreateCa(context).RunAsync(request, cancellationToken);

    public Task<ProfileSummary> CreateProfileAsync(CreateProfileRequest request, CancellationToken cancellationToken) => new CreateProfile(context).RunAsync(request, cancellationToken);

    public Task<(IReadOnlyList<TrustAnchorSummary> TrustAnchors, IReadOnlyList<ProfileSummary> Profiles)> ListAsync(CancellationToken cancellationToken) =>
        new ListRegistrations(context).RunAsync(cancellationToken);

    public Task<IssuedCertificate> AcceptRequestAsync(AcceptRequestRequest request, CancellationToken cancellationToken) => new AcceptRequest(context).RunAsync(request, cancellationToken);

    public IReadOnlyList<LedgerEntry> ListCertificates() => new ListCertificates(context).Run();

    public LedgerEntry Revoke(string serialNumber, string? reason) => new RevokeCertificate(context).Run(serialNumber, reason);

    public Task<PublishedCrl> PublishCrlAsync(TimeSpan? validity, CancellationToken cancellationToken) => new PublishCrl(context).RunAsync(validity, cancellationToken);

    public byte[]? PublishedCrlDer() => new PublishCrl(context).Latest();
}
