using Microsoft.Extensions.Logging;
using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.Core.Credentials;

namespace OpenRolesAnywhere.Server.Logging;

/// <summary>
/// The cache's fetches in the server log (hits and misses are only counted, by the metrics), and the certificate each
/// fetch used, for <see cref="CertificateExpiryLog"/>.
/// </summary>
internal sealed class CredentialCacheLog(ILogger<CredentialCacheLog> logger, CertificateExpiryLog certificates) : ICredentialCacheObserver
{
    public void Hit(string source)
    {
    }

    public void Miss(string source)
    {
    }

    public void Fetched(string source, CachedCredentials credentials, TimeSpan elapsed)
    {
        Log.Fetched(logger, source, credentials.Expiration, elapsed.TotalMilliseconds);
        if (credentials.Credentials.CertificateExpiration is { } notAfter)
        {
            certificates.Fetched(source, notAfter);
        }
    }

    public void FetchFailed(string source, CredentialException failure, TimeSpan elapsed, TimeSpan retryIn) =>
        Log.FetchFailed(logger, source, failure.Kind, failure.Message, retryIn.TotalSeconds);
}
