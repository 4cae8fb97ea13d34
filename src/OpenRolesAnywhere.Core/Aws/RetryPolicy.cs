namespace OpenRolesAnywhere.Core.Aws;

/// <summary>
/// Bounded retries with full jitter: throttling and 5xx are tried again, each attempt signed afresh.
/// The defaults keep a whole call under about 30 s, inside what a credential_process caller waits.
/// </summary>
public sealed record RetryPolicy(int MaxAttempts, TimeSpan BaseDelay, TimeSpan MaxDelay, TimeSpan AttemptTimeout)
{
    public static RetryPolicy Default { get; } = new(4, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10));

    /// <summary>Full jitter: uniform in [0, min(max, base * 2^attempt)], or what the server asked for.</summary>
    public TimeSpan DelayBefore(int retry, TimeSpan? retryAfter, Random random)
    {
        if (retryAfter is { } asked && asked > TimeSpan.Zero)
        {
            return asked < MaxDelay ? asked : MaxDelay;
        }

        var ceiling = Math.Min(MaxDelay.TotalMilliseconds, BaseDelay.TotalMilliseconds * Math.Pow(2, retry));
        return TimeSpan.FromMilliseconds(random.NextDouble() * ceiling);
    }
}
