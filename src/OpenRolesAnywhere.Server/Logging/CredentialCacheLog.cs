using Microsoft.Extensions.Logging;
using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.Core.Credentials;

namespace OpenRolesAnywhere.Server.Logging;

/// <summary>The cache's fetches in the server log (hits and misses are only counted, by the metrics).</summary>
internal sealed class CredentialCacheLog(ILogger<CredentialCacheLog> logger) : ICredentialCacheObserver
{
    public void Hit(string source)
    {
    }

    public void Miss(string source)
    {
    }

    public void Fetched(string source, CachedCredentials credentials, TimeSpan elapsed) =>
        Log.Fetched(logger, source, credentials.Expiration, elapsed.TotalMilliseconds);

    public void FetchFailed(string source, CredentialException failure, TimeSpan elapsed, TimeSpan retryIn) =>
        Log.FetchFailed(logger, source, failure.Kind, failure.Message, retryIn.TotalSeconds);
}
