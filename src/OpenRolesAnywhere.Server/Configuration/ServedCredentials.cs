using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.Core.Credentials;

namespace OpenRolesAnywhere.Server.Configuration;

/// <summary>
/// The served sources' credentials by source name, from the server's one cache: what a side listener that
/// signs with them (the SigV4 proxy) asks, without knowing how sources are configured.
/// </summary>
public sealed class ServedCredentials
{
    private readonly CredentialSources _sources;
    private readonly CredentialCache _cache;

    internal ServedCredentials(CredentialSources sources, CredentialCache cache)
    {
        _sources = sources;
        _cache = cache;
    }

    /// <summary>Null when <paramref name="source"/> (null: the default source) is served; else what to tell a person.</summary>
    public string? Problem(string? source) =>
        source is null || _sources.Named(source) is not null ? null
            : $"names no configured source (configured: {string.Join(", ", _sources.Names)}).";

    /// <summary>Valid credentials of <paramref name="source"/> (null: the default source), from the cache.</summary>
    /// <exception cref="CredentialException">None are valid (the kind says why), or the source does not exist.</exception>
    public Task<CachedCredentials> GetAsync(string? source, CancellationToken cancellationToken)
    {
        var served = source is null ? _sources.Default
            : _sources.Named(source) ?? throw new CredentialException(CredentialErrorKind.InvalidInput, $"The source '{source}' {Problem(source)}");
        return _cache.GetAsync(served, cancellationToken);
    }
}
