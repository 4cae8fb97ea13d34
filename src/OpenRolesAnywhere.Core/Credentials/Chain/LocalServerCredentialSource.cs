using OpenRolesAnywhere.Core.RolesAnywhere;

namespace OpenRolesAnywhere.Core.Credentials.Chain;

/// <summary>
/// A running <c>serve</c> on this machine, asked over its Unix socket by a source's <see cref="CredentialSourceOptions.CacheKey"/>.
/// Unavailable when no server listens or it serves no source with that key; a server that serves the key but
/// cannot give credentials now is a real failure (its reason).
/// </summary>
public sealed class LocalServerCredentialSource : IChainedCredentialSource
{
    private readonly string _socketPath;
    private readonly string _key;

    public LocalServerCredentialSource(string socketPath, string key)
    {
        _socketPath = socketPath;
        _key = key;
    }

    public string Description => $"the server on {_socketPath}";

    // Synchronous on purpose (see LocalServerClient.TryGet): the answer is complete when this returns.
    public ValueTask<SessionCredentials?> TryGetAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult(LocalServerClient.TryGet(_socketPath, _key, cancellationToken));
}
