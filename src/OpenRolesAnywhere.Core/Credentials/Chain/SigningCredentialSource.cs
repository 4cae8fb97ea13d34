using OpenRolesAnywhere.Core.RolesAnywhere;

namespace OpenRolesAnywhere.Core.Credentials.Chain;

/// <summary>
/// CreateSession signed in this process: never unavailable, so it ends a chain. The work (reading the
/// certificate, opening the key, making an HTTP client) starts only when this link is reached.
/// </summary>
public sealed class SigningCredentialSource : IChainedCredentialSource
{
    private readonly Func<CancellationToken, Task<SessionCredentials>> _sign;

    /// <param name="sign">Builds a source and fetches once (for example through <see cref="RolesAnywhereCredentialSource.FetchAsync"/>).</param>
    public SigningCredentialSource(Func<CancellationToken, Task<SessionCredentials>> sign)
    {
        _sign = sign;
    }

    public string Description => "signing CreateSession here";

    public async ValueTask<SessionCredentials?> TryGetAsync(CancellationToken cancellationToken) => await _sign(cancellationToken);
}
