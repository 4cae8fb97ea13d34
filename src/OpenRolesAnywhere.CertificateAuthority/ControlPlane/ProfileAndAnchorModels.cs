namespace OpenRolesAnywhere.CertificateAuthority.ControlPlane;

/// <summary>Which fields of one certificate part (x509Subject, x509Issuer, x509SAN) become session tags.</summary>
public sealed record AttributeMapping(string CertificateField, IReadOnlyList<string> Specifiers);

/// <summary>A profile with the settings the console shows, as GetProfile and every profile write answer.</summary>
public sealed record ProfileDetail(
    ProfileSummary Profile, bool AcceptRoleSessionName, bool RequireInstanceProperties, string? SessionPolicy,
    IReadOnlyList<string> ManagedPolicyArns, IReadOnlyList<AttributeMapping> AttributeMappings);

/// <summary>One expiry notification of a trust anchor; <see cref="ConfiguredBy"/> is rolesanywhere.amazonaws.com for AWS's defaults.</summary>
public sealed record NotificationSetting(string Event, bool Enabled, int? ThresholdDays, string? Channel, string? ConfiguredBy);

public sealed record TrustAnchorDetail(TrustAnchorSummary TrustAnchor, IReadOnlyList<NotificationSetting> NotificationSettings);

/// <summary>
/// Profile settings past roles and duration. Null leaves a setting as it is (update) or to AWS's default (create).
/// </summary>
public sealed record ProfileSettings
{
    /// <summary>An IAM policy document (JSON) that narrows every session of the profile.</summary>
    public string? SessionPolicy { get; init; }

    public IReadOnlyList<string>? ManagedPolicyArns { get; init; }

    public bool? AcceptRoleSessionName { get; init; }
}

/// <summary>What only CreateProfile takes: UpdateProfile has no requireInstanceProperties, and enabling is its own call.</summary>
public sealed record NewProfileOptions(ProfileSettings Settings, bool RequireInstanceProperties = false, bool Enabled = true);
