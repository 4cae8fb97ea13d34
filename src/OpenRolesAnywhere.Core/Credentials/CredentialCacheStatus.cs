namespace OpenRolesAnywhere.Core.Credentials;

/// <summary>
/// What the cache knows about one source, for health checks and metrics. Holds no secret. The certificate's expiry is
/// the one of the last good fetch (null before any).
/// </summary>
public sealed record CredentialCacheStatus(
    string Name,
    DateTimeOffset? Expiration,
    DateTimeOffset? ObtainedAt,
    bool HasValidCredentials,
    CredentialErrorKind? LastErrorKind,
    string? LastError,
    DateTimeOffset? NextAttempt,
    DateTimeOffset? CertificateExpiration);
