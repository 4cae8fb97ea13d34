using OpenRolesAnywhere.CertificateAuthority.ControlPlane;
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
public sealed record CreateProfileRequest(string Name, IReadOnlyList<string> RoleArns, TimeSpan SessionDuration)
{
    public ProfileSettings Settings { get; init; } = new();

    public bool RequireInstanceProperties { get; init; }

    public bool Enabled { get; init; } = true;
}

/// <summary><c>admin update-profile</c>: the profile by name (as created here or listed), ARN or id; null leaves a setting as it is.</summary>
public sealed record UpdateProfileRequest(string Profile)
{
    public IReadOnlyList<string>? RoleArns { get; init; }

    public TimeSpan? SessionDuration { get; init; }

    public ProfileSettings Settings { get; init; } = new();

    public bool? Enabled { get; init; }
}

/// <summary><c>admin put-attribute-mapping</c> / <c>delete-attribute-mapping</c>: the field is subject, issuer or san (or AWS's x509Subject...).</summary>
public sealed record AttributeMappingRequest(string Profile, string CertificateField, IReadOnlyList<string> Specifiers);

/// <summary><c>admin put-notification-settings</c>: the trust anchor defaults to this CA's; the event is ca or end-entity.</summary>
public sealed record NotificationSettingsRequest(string? TrustAnchor, string Event, bool Enabled, int? ThresholdDays);

/// <summary><c>admin accept-request</c>: the request is a CSR PEM or a bare public key PEM; the profile defaults to the last created.</summary>
public sealed record AcceptRequestRequest(
    string RequestPem, string RequestSource, TimeSpan Validity, SubjectName Subject, string? SerialNumber = null, string? ProfileName = null);

public sealed record IssuedCertificate(string CertificatePem, LedgerEntry Entry, IReadOnlyList<string> Warnings);

public sealed record PublishedCrl(byte[] Der, string CrlArn, bool Imported, int RevokedCount, string CrlNumber);
