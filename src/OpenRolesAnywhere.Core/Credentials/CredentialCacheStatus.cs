namespace OpenRolesAnywhere.Core.Credentials;

/// <summary>What the cache knows about one source, for health checks and metrics. Holds no secret.</summary>
public sealed record CredentialCacheStatus(
    string Name,
    DateTimeOffset? Expiration,
    DateTimeOffset? ObtainedAt,
    bool HasValidCredentials,
    CredentialErrorKind? LastErrorKind,
    string? LastError,
    DateTimeOffset? NextAttempt);
