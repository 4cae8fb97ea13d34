namespace OpenRolesAnywhere.Core.Credentials;

/// <summary>
/// The numbers of <see cref="CredentialCache"/>. Clients come back early (botocore refreshes with 15 min
/// left and blocks at 10, .NET treats credentials as expiring 15 min early, Go and JS 5 min), so the
/// cache refreshes upstream well before that and answers them from memory.
/// </summary>
/// <param name="RefreshAhead">Refresh in the background when this much lifetime is left (capped at half the lifetime).</param>
/// <param name="MinimumRemaining">Credentials with less left are not handed out while a refresh can still be tried (capped at a quarter of the lifetime).</param>
/// <param name="ExpiryMargin">Credentials count as expired this long before their stated expiration (clock skew, time in transit).</param>
/// <param name="RetryBaseDelay">First back-off step after a transient failure (network, 5xx, agent gone).</param>
/// <param name="PatientBaseDelay">First back-off step after throttling or a failure that needs a person (access denied, key locked).</param>
/// <param name="RetryMaxDelay">Back-off ceiling.</param>
public sealed record CredentialCachePolicy(
    TimeSpan RefreshAhead,
    TimeSpan MinimumRemaining,
    TimeSpan ExpiryMargin,
    TimeSpan RetryBaseDelay,
    TimeSpan PatientBaseDelay,
    TimeSpan RetryMaxDelay)
{
    /// <summary>
    /// Refresh at 30 min left (a 1 h session is handed out with 30..60 min left, well over the 15 min
    /// at which clients return); no hand-out under 5 min while a refresh is possible; expired 30 s
    /// early; back-off 1 s (10 s when throttled or when a person must act), doubling, at most 2 min,
    /// each delay jittered between half and all of its step.
    /// </summary>
    public static CredentialCachePolicy Default { get; } = new(
        RefreshAhead: TimeSpan.FromMinutes(30),
        MinimumRemaining: TimeSpan.FromMinutes(5),
        ExpiryMargin: TimeSpan.FromSeconds(30),
        RetryBaseDelay: TimeSpan.FromSeconds(1),
        PatientBaseDelay: TimeSpan.FromSeconds(10),
        RetryMaxDelay: TimeSpan.FromMinutes(2));

    /// <summary>
    /// After a failure a person must fix (<see cref="RetriesOnRequest"/>), a client's request retries at once when the
    /// last attempt ended at least this long ago: the fix shows within seconds, not after the back-off, and a crowd of
    /// clients still makes at most one fetch per interval.
    /// </summary>
    public TimeSpan PromptRetryInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Whether a client's request may retry before the back-off ends: yes for what a person fixes here (the agent
    /// or token, the key, the certificate, the profile), no for throttling, outages and network trouble, where
    /// only waiting helps.
    /// </summary>
    public static bool RetriesOnRequest(CredentialException failure) =>
        failure.Kind is not (CredentialErrorKind.Throttled or CredentialErrorKind.ServiceUnavailable or CredentialErrorKind.Network);

    /// <summary>When to refresh credentials that live <paramref name="lifetime"/>: a 15 min session refreshes at 7.5 min left.</summary>
    public TimeSpan RefreshAheadFor(TimeSpan lifetime) => lifetime / 2 < RefreshAhead ? lifetime / 2 : RefreshAhead;

    /// <summary>
    /// The hand-out floor for credentials that live <paramref name="lifetime"/>: <see cref="MinimumRemaining"/>, but
    /// at most a quarter of the lifetime (never under <see cref="ExpiryMargin"/>). Credentials living less than the
    /// floor itself would otherwise be refetched by every request: a 2 min session has a 30 s floor.
    /// </summary>
    public TimeSpan MinimumRemainingFor(TimeSpan lifetime) =>
        TimeSpan.FromTicks(Math.Max(ExpiryMargin.Ticks, Math.Min(MinimumRemaining.Ticks, (lifetime / 4).Ticks)));

    /// <summary>
    /// Exponential back-off with "equal jitter" after the <paramref name="failures"/>th failure in a row:
    /// uniform in [step/2, step], so throttling always buys at least half a step of quiet.
    /// </summary>
    public TimeSpan RetryDelay(int failures, CredentialException failure, double randomUnit)
    {
        var patient = failure.Kind == CredentialErrorKind.Throttled || !failure.IsTransient;
        var first = patient ? PatientBaseDelay : RetryBaseDelay;
        var step = Math.Min(RetryMaxDelay.TotalMilliseconds, first.TotalMilliseconds * Math.Pow(2, Math.Max(0, failures - 1)));
        return TimeSpan.FromMilliseconds(step / 2 + randomUnit * step / 2);
    }
}
