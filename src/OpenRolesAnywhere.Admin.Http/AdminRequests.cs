using OpenRolesAnywhere.CertificateAuthority.ControlPlane;
using OpenRolesAnywhere.CertificateAuthority.Issuing;
using OpenRolesAnywhere.Core.Credentials;

namespace OpenRolesAnywhere.Admin.Http;

/// <summary>The subject fields, as JSON members or query parameters (same names as the CLI flags, camelCase).</summary>
public sealed record AdminSubject
{
    public string? CommonName { get; init; }

    public string? Organization { get; init; }

    public string? OrganizationUnit { get; init; }

    public string? Country { get; init; }

    public string? Locality { get; init; }

    public string? Province { get; init; }

    public string? StreetAddress { get; init; }

    public string? PostalCode { get; init; }

    internal SubjectName ToSubjectName() => new(CommonName ?? "")
    {
        Organization = Organization,
        OrganizationalUnit = OrganizationUnit,
        Country = Country,
        Locality = Locality,
        Province = Province,
        StreetAddress = StreetAddress,
        PostalCode = PostalCode,
    };
}

/// <summary><c>POST /admin/ca</c>.</summary>
public sealed record CreateCaBody
{
    public string? Name { get; init; }

    public string? KmsKeyId { get; init; }

    /// <summary>Instead of <see cref="KmsKeyId"/>: the CA key in the server's SSH agent.</summary>
    public string? SshFingerprint { get; init; }

    /// <summary>Instead of <see cref="KmsKeyId"/>: a pkcs11: URI (without its PIN) or a key file the server reads.</summary>
    public string? PrivateKey { get; init; }

    public string? Pkcs11Lib { get; init; }

    /// <summary>The server's environment variable that holds the token's PIN: never the PIN itself.</summary>
    public string? PrivateKeyPasswordEnv { get; init; }

    public string? ValidityDuration { get; init; }

    public string? SerialNumber { get; init; }

    public AdminSubject Subject { get; init; } = new();

    /// <summary>The key named by the non-KMS fields, or null when none is set.</summary>
    public KeySourceOptions? Key() => SshFingerprint is null && PrivateKey is null ? null : new()
    {
        PrivateKey = PrivateKey,
        SshFingerprint = SshFingerprint,
        Module = Pkcs11Lib,
        PasswordEnvironmentVariable = PrivateKeyPasswordEnv,
    };
}

/// <summary><c>POST /admin/profiles</c>.</summary>
public sealed record CreateProfileBody
{
    public string? Name { get; init; }

    public IReadOnlyList<string> RoleArns { get; init; } = [];

    public string? SessionDuration { get; init; }

    /// <summary>The policy document itself, as text (the CLI reads it from a file).</summary>
    public string? SessionPolicy { get; init; }

    public IReadOnlyList<string>? ManagedPolicyArns { get; init; }

    public bool? AcceptRoleSessionName { get; init; }

    public bool RequireInstanceProperties { get; init; }

    public bool Enabled { get; init; } = true;

    internal ProfileSettings Settings => new() { SessionPolicy = SessionPolicy, ManagedPolicyArns = ManagedPolicyArns, AcceptRoleSessionName = AcceptRoleSessionName };
}

/// <summary><c>PATCH /admin/profiles/{profile}</c>: members left out stay as they are.</summary>
public sealed record UpdateProfileBody
{
    public IReadOnlyList<string>? RoleArns { get; init; }

    public string? SessionDuration { get; init; }

    public string? SessionPolicy { get; init; }

    public IReadOnlyList<string>? ManagedPolicyArns { get; init; }

    public bool? AcceptRoleSessionName { get; init; }

    public bool? Enabled { get; init; }
}

/// <summary><c>PUT /admin/profiles/{profile}/mappings</c>: the certificate part (subject, issuer, san) and its specifiers.</summary>
public sealed record AttributeMappingBody
{
    public string? CertificateField { get; init; }

    public IReadOnlyList<string> Specifiers { get; init; } = [];
}

/// <summary><c>PUT /admin/trust-anchors/{anchor}/notifications</c>: the event is ca or end-entity.</summary>
public sealed record NotificationSettingsBody
{
    public string? Event { get; init; }

    public bool Enabled { get; init; } = true;

    public int? ThresholdDays { get; init; }
}

/// <summary><c>POST /admin/certificates</c> as JSON; the CSR may instead be the raw body, with these as query parameters.</summary>
public sealed record AcceptRequestBody
{
    public string? Request { get; init; }

    public string? ValidityDuration { get; init; }

    public string? SerialNumber { get; init; }

    public string? Profile { get; init; }

    public AdminSubject Subject { get; init; } = new();
}
