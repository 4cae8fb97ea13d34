namespace OpenRolesAnywhere.CertificateAuthority;

/// <summary>
/// The inputs of the administrator's operations, by the names errors give them. The library says the field
/// ("validity duration"); a caller with other names for them (the CLI's flags) passes a label function.
/// </summary>
public static class AdminFields
{
    public const string Name = "name";
    public const string KmsKeyId = "kms key id";
    public const string SshFingerprint = "ssh fingerprint";
    public const string PrivateKey = "private key";
    public const string ValidityDuration = "validity duration";
    public const string SerialNumber = "serial number";
    public const string RoleArn = "role arn";
    public const string SessionDuration = "session duration";
    public const string CrlValidity = "crl validity";
    public const string Reason = "reason";
    public const string CommonName = "common name";
    public const string Country = "country";
    public const string Expiring = "expiring";
    public const string Profile = "profile";
    public const string SessionPolicy = "session policy";
    public const string ManagedPolicyArn = "managed policy arn";
    public const string TrustAnchor = "trust anchor";
    public const string CertificateField = "certificate field";
    public const string Specifier = "specifier";
    public const string Event = "event";
    public const string ThresholdDays = "threshold days";
    public const string AcceptRoleSessionName = "accept role session name";

    /// <summary>The field as the library says it.</summary>
    public static string Plain(string field) => field;
}
