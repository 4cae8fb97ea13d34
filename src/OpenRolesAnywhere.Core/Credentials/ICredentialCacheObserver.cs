namespace OpenRolesAnywhere.Core.Credentials;

/// <summary>Hooks for metrics and logs; called outside the cache's locks.</summary>
public interface ICredentialCacheObserver
{
    /// <summary>A request answered from memory without waiting.</summary>
    void Hit(string source);

    /// <summary>A request that had to wait for a fetch, or found nothing valid.</summary>
    void Miss(string source);

    void Fetched(string source, CachedCredentials credentials, TimeSpan elapsed);

    void FetchFailed(string source, CredentialException failure, TimeSpan elapsed, TimeSpan retryIn);
}
