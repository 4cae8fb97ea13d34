namespace OpenRolesAnywhere.Core.Diagnostics;

/// <summary>
/// Read-only answers of the Roles Anywhere control plane that <c>doctor</c> compares the certificate with. The
/// implementation signs with the caller's AWS credentials; a read it may not make throws <see cref="CredentialException"/>.
/// </summary>
public interface IRolesAnywhereDirectory
{
    Task<TrustAnchorDetail> GetTrustAnchorAsync(string trustAnchorArn, CancellationToken cancellationToken);

    Task<ProfileDetail> GetProfileAsync(string profileArn, CancellationToken cancellationToken);

    /// <summary>The CRLs imported for <paramref name="trustAnchorArn"/>.</summary>
    Task<IReadOnlyList<CrlDetail>> ListCrlsAsync(string trustAnchorArn, CancellationToken cancellationToken);
}

/// <param name="CertificatePem">The anchor's certificate bundle (CERTIFICATE_BUNDLE anchors); null for an AWS Private CA.</param>
public sealed record TrustAnchorDetail(string Arn, bool Enabled, string? SourceType, string? CertificatePem);

public sealed record ProfileDetail(string Arn, bool Enabled, IReadOnlyList<string> RoleArns, int? DurationSeconds, bool AcceptRoleSessionName);

public sealed record CrlDetail(string Name, bool Enabled, byte[] Data, string? TrustAnchorArn);
