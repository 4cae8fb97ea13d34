using OpenRolesAnywhere.Core.RolesAnywhere;

namespace OpenRolesAnywhere.Core.Credentials.Chain;

/// <summary>
/// Asks its links in order: the first that answers wins; "unavailable" moves on to the next; a real failure
/// stops the chain there, so a broken first choice is reported rather than hidden behind a second one.
/// </summary>
public sealed class ChainedCredentialSource
{
    private readonly IReadOnlyList<IChainedCredentialSource> _links;

    public ChainedCredentialSource(params IReadOnlyList<IChainedCredentialSource> links)
    {
        _links = links;
    }

    /// <exception cref="CredentialException">A link failed, or none was available.</exception>
    public async Task<SessionCredentials> GetAsync(CancellationToken cancellationToken)
    {
        foreach (var link in _links)
        {
            if (await link.TryGetAsync(cancellationToken) is { } credentials)
            {
                return credentials;
            }
        }

        throw new CredentialException(CredentialErrorKind.ServiceUnavailable,
            $"No credential source could answer: tried {string.Join(", ", _links.Select(l => l.Description))}.");
    }
}
