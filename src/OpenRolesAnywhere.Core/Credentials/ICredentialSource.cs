using OpenRolesAnywhere.Core.RolesAnywhere;

namespace OpenRolesAnywhere.Core.Credentials;

/// <summary>Something that can fetch fresh AWS credentials: one configured certificate, key and role.</summary>
public interface ICredentialSource
{
    string Name { get; }

    /// <summary>
    /// Identifies what is fetched, so equal sources share one cache entry and a <c>credential-process</c> finds the
    /// source by it (for <see cref="RolesAnywhereCredentialSource"/>: <see cref="CredentialSourceOptions.CacheKey"/>).
    /// </summary>
    string CacheKey { get; }

    /// <summary>The region the credentials are for, when known (what <c>env</c> prints as <c>AWS_REGION</c>).</summary>
    string? Region => null;

    Task<SessionCredentials> FetchAsync(CancellationToken cancellationToken);
}
