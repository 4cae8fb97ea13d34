namespace OpenRolesAnywhere.Core.Credentials;

/// <summary>
/// Hooks for metrics and logs. <see cref="Hit"/> and <see cref="Miss"/> may be called while the cache holds
/// an entry's lock (they count a request on its fast path): keep every method quick, and never call back
/// into the cache. <see cref="Fetched"/> and <see cref="FetchFailed"/> are called outside it.
/// </summary>
public interface ICredentialCacheObserver
{
    /// <summary>A request answered from memory without waiting.</summary>
    void Hit(string source);

    /// <summary>A request that had to wait for a fetch, or found nothing valid.</summary>
    void Miss(string source);

    void Fetched(string source, CachedCredentials credentials, TimeSpan elapsed);

    void FetchFailed(string source, CredentialException failure, TimeSpan elapsed, TimeSpan retryIn);
}
