namespace OpenRolesAnywhere.TestCommon.FakeRolesAnywhereControlPlane;

public sealed record FakeTrustAnchor(string Id, string Arn, string Name, bool Enabled, string SourceType, string CertificateData, IReadOnlyDictionary<string, string> Tags)
{
    /// <summary>As AWS starts every trust anchor: both expiry events on, 45 days ahead, set by the service.</summary>
    public IReadOnlyList<FakeNotificationSetting> NotificationSettings { get; init; } = FakeNotificationSetting.Defaults;
}

public sealed record FakeNotificationSetting(string Event, bool Enabled, int? Threshold, string Channel, string ConfiguredBy)
{
    public const string ByService = "rolesanywhere.amazonaws.com";

    public static readonly IReadOnlyList<FakeNotificationSetting> Defaults =
    [
        new("CA_CERTIFICATE_EXPIRY", true, 45, "ALL", ByService),
        new("END_ENTITY_CERTIFICATE_EXPIRY", true, 45, "ALL", ByService),
    ];
}

public sealed record FakeProfile(string Id, string Arn, string Name, bool Enabled, IReadOnlyList<string> RoleArns, int DurationSeconds, IReadOnlyDictionary<string, string> Tags)
{
    public bool RequireInstanceProperties { get; init; }

    public bool AcceptRoleSessionName { get; init; }

    public string? SessionPolicy { get; init; }

    public IReadOnlyList<string> ManagedPolicyArns { get; init; } = [];

    /// <summary>As AWS maps a new profile: every subject and issuer RDN, and the first DNS, URI and directory name of the SAN.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> AttributeMappings { get; init; } = new Dictionary<string, IReadOnlyList<string>>
    {
        ["x509Subject"] = ["*"],
        ["x509Issuer"] = ["*"],
        ["x509SAN"] = ["DNS", "URI", "Name/*"],
    };
}

/// <summary>A CRL as Roles Anywhere holds it; <see cref="Data"/> is the latest imported or updated DER.</summary>
public sealed record FakeCrl(string Id, string Arn, string Name, bool Enabled, string TrustAnchorArn, byte[] Data, int Updates);

/// <summary>One call the fake received: the operation (null when none matched), the HTTP status answered and any error type.</summary>
public sealed record FakeControlPlaneCall(string Method, string Path, string Query, string? Operation, int Status, string? ErrorType);
