using OpenRolesAnywhere.CertificateAuthority.Issuing;
using OpenRolesAnywhere.CertificateAuthority.Ledger;

namespace OpenRolesAnywhere.CertificateAuthority;

/// <summary><c>admin create-ca</c>: the serial is random when null.</summary>
public sealed record CreateCaRequest(string Name, string KmsKeyId, TimeSpan Validity, SubjectName Subject, string? SerialNumber = null);

public sealed record CreateCaResult(string CertificatePem, string KmsKeyArn, string TrustAnchorArn, string SerialNumber, bool ReusedCertificate);

/// <summary><c>admin create-profile</c>.</summary>
public sealed record CreateProfileRequest(string Name, IReadOnlyList<string> RoleArns, TimeSpan SessionDuration);

/// <summary><c>admin accept-request</c>: the request is a CSR PEM or a bare public key PEM; the profile defaults to the last created.</summary>
public sealed record AcceptRequestRequest(
    string RequestPem, string RequestSource, TimeSpan Validity, SubjectName Subject, string? SerialNumber = null, string? ProfileName = null);

public sealed record IssuedCertificate(string CertificatePem, LedgerEntry Entry, IReadOnlyList<string> Warnings);

public sealed record PublishedCrl(byte[] Der, string CrlArn, bool Imported, int RevokedCount, string CrlNumber);
