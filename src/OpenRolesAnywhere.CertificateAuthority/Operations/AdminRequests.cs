using OpenRolesAnywhere.CertificateAuthority.Issuing;
using OpenRolesAnywhere.CertificateAuthority.Ledger;
using OpenRolesAnywhere.Core.Credentials;

namespace OpenRolesAnywhere.CertificateAuthority;

/// <summary><c>admin create-ca</c>: the serial is random when null.</summary>
/// <param name="KmsKeyId">The CA key in KMS; or null, and <paramref name="Key"/> names it through the host's key backends.</param>
public sealed record CreateCaRequest(string Name, string? KmsKeyId, TimeSpan Validity, SubjectName Subject, string? SerialNumber = null, KeySourceOptions? Key = null);

/// <param name="KmsKeyArn">Null when the key is not in KMS.</param>
/// <param name="CaKey">Where the CA key is (a KMS ARN, an agent key, a token object), without secrets.</param>
/// <param name="Warnings">For the administrator: a CA key in a file.</param>
public sealed record CreateCaResult(
    string CertificatePem, string? KmsKeyArn, string TrustAnchorArn, string SerialNumber, bool ReusedCertificate, string CaKey, IReadOnlyList<string> Warnings);

/// <summary><c>admin create-profile</c>.</summary>
public sealed record CreateProfileRequest(string Name, IReadOnlyList<string> RoleArns, TimeSpan SessionDuration);

/// <summary><c>admin accept-request</c>: the request is a CSR PEM or a bare public key PEM; the profile defaults to the last created.</summary>
public sealed record AcceptRequestRequest(
    string RequestPem, string RequestSource, TimeSpan Validity, SubjectName Subject, string? SerialNumber = null, string? ProfileName = null);

public sealed record IssuedCertificate(string CertificatePem, LedgerEntry Entry, IReadOnlyList<string> Warnings);

public sealed record PublishedCrl(byte[] Der, string CrlArn, bool Imported, int RevokedCount, string CrlNumber);
