using OpenRolesAnywhere.Core.RolesAnywhere;

namespace OpenRolesAnywhere.Core.Credentials.Chain;

/// <summary>
/// One link of a <see cref="ChainedCredentialSource"/>, as in Azure.Identity's chained credential: it answers
/// credentials, or says it is unavailable here (null: the chain tries the next), or fails for real
/// (<see cref="CredentialException"/>: the chain stops with that error).
/// </summary>
public interface IChainedCredentialSource
{
    /// <summary>What this link is, for the message when no link was available.</summary>
    string Description { get; }

    ValueTask<SessionCredentials?> TryGetAsync(CancellationToken cancellationToken);
}
