namespace OpenRolesAnywhere.Core.Credentials;

/// <summary>Several observers as one (the server's metrics and its log), each told in order.</summary>
public sealed class CredentialCacheObservers(params ICredentialCacheObserver[] observers) : ICredentialCacheObserver
{
    public void Hit(string source)
    {
        foreach (var observer in observers)
        {
            observer.Hit(source);
        }
    }

    public void Miss(string source)
    {
        foreach (var observer in observers)
        {
            observer.Miss(source);
        }
    }

    public void Fetched(string source, CachedCredentials credentials, TimeSpan elapsed)
    {
        foreach (var observer in observers)
        {
            observer.Fetched(source, credentials, elapsed);
        }
    }

    public void FetchFailed(string source, CredentialException failure, TimeSpan elapsed, TimeSpan retryIn)
    {
        foreach (var observer in observers)
        {
            observer.FetchFailed(source, failure, elapsed, retryIn);
        }
    }
}
