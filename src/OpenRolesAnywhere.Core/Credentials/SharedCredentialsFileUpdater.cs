using OpenRolesAnywhere.Core.Configuration;
using OpenRolesAnywhere.Core.RolesAnywhere;

namespace OpenRolesAnywhere.Core.Credentials;

/// <summary>
/// <c>update</c>: keeps one profile of the shared credentials file fresh, as the official helper does: fetch, write,
/// sleep until five minutes before expiry, again, until cancelled.
/// </summary>
public sealed class SharedCredentialsFileUpdater
{
    /// <summary>How long before expiry the profile is refreshed (the official helper's five minutes).</summary>
    public static readonly TimeSpan RefreshBeforeExpiry = TimeSpan.FromMinutes(5);

    /// <summary>The wait after a failure that may pass (network, throttling, the service down) while the written keys still work.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromMinutes(1);

    private readonly ICredentialSource _source;
    private readonly string _path;
    private readonly string _profile;
    private readonly TimeProvider _time;
    private readonly TextWriter _log;

    public SharedCredentialsFileUpdater(ICredentialSource source, string path, string profile, TimeProvider time, TextWriter log)
    {
        _source = source;
        _path = path;
        _profile = profile;
        _time = time;
        _log = log;
    }

    /// <summary>Writes the profile once, then (unless <paramref name="once"/>) again before each expiry until cancelled.</summary>
    /// <exception cref="CredentialException">The first fetch failed, or a later one failed for a reason a person must fix.</exception>
    public async Task RunAsync(bool once, CancellationToken cancellationToken)
    {
        var current = await _source.FetchAsync(cancellationToken);
        while (true)
        {
            SharedCredentialsFile.Write(_path, _profile, current);
            if (once)
            {
                return;
            }

            var refreshAt = current.Expiration - RefreshBeforeExpiry;
            await _log.WriteLineAsync($"openrolesanywhere: profile [{_profile}] of {_path} written; refreshing at {CredentialTimestamp.Format(refreshAt)}.");
            // At least RetryAfter: keys that come back already near expiry must not make a tight loop of CreateSession calls.
            await Task.Delay(Max(refreshAt - _time.GetUtcNow(), RetryAfter), _time, cancellationToken);
            current = await RefreshAsync(current, cancellationToken);
        }
    }

    /// <summary>Fetches again; a passing failure is retried every <see cref="RetryAfter"/> while <paramref name="current"/> has not expired.</summary>
    private async Task<SessionCredentials> RefreshAsync(SessionCredentials current, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                return await _source.FetchAsync(cancellationToken);
            }
            catch (CredentialException e) when (e.Kind is CredentialErrorKind.Network or CredentialErrorKind.ServiceUnavailable or CredentialErrorKind.Throttled
                && _time.GetUtcNow() + RetryAfter < current.Expiration)
            {
                await _log.WriteLineAsync($"openrolesanywhere: refreshing failed, trying again in {RetryAfter.TotalMinutes:0} minute (the written keys are valid until {CredentialTimestamp.Format(current.Expiration)}): {e.Message}");
                await Task.Delay(RetryAfter, _time, cancellationToken);
            }
        }
    }

    private static TimeSpan Max(TimeSpan left, TimeSpan right) => left > right ? left : right;
}
