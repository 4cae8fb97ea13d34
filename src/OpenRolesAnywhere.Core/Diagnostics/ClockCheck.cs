namespace OpenRolesAnywhere.Core.Diagnostics;

/// <summary>
/// This machine's clock against the service's: the <c>Date</c> header of an unsigned request's answer (any answer
/// carries one). AWS refuses signatures more than 5 minutes off.
/// </summary>
public static class ClockCheck
{
    public const string Name = "clock";

    public static readonly TimeSpan AllowedSkew = TimeSpan.FromMinutes(5);

    public static async Task<CheckResult> CheckAsync(HttpClient http, Uri endpoint, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(time);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        var before = time.GetUtcNow();
        DateTimeOffset? date;
        try
        {
            using var response = await http.SendAsync(new HttpRequestMessage(HttpMethod.Get, endpoint), timeout.Token);
            date = response.Headers.Date;
        }
        catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return CheckResult.Fail(Name, $"Cannot reach Roles Anywhere at {endpoint.GetLeftPart(UriPartial.Authority)}: {e.Message}",
                "Check the network, the region and any --endpoint or AWS_ENDPOINT_URL_ROLESANYWHERE.");
        }

        if (date is not { } serviceTime)
        {
            return CheckResult.Skip(Name, "The service's answer carried no Date header to compare with.");
        }

        // The middle of the exchange; the header has whole seconds only.
        var local = before + ((time.GetUtcNow() - before) / 2);
        var skew = local - serviceTime;
        return skew.Duration() > AllowedSkew
            ? CheckResult.Fail(Name, $"This machine's clock is {Describe(skew)} Roles Anywhere's; signatures more than 5 minutes off are refused.",
                "Set the clock right (enable NTP: `timedatectl set-ntp true`).")
            : CheckResult.Pass(Name, $"Within {Math.Ceiling(skew.Duration().TotalSeconds):0} s of Roles Anywhere's clock.");
    }

    private static string Describe(TimeSpan skew) =>
        $"{Math.Round(skew.Duration().TotalMinutes, 1):0.#} minutes {(skew > TimeSpan.Zero ? "ahead of" : "behind")}";
}
