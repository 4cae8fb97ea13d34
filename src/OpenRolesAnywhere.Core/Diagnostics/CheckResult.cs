namespace OpenRolesAnywhere.Core.Diagnostics;

public enum CheckOutcome
{
    Pass,
    Fail,
    Skipped,
}

/// <summary>One line of <c>doctor</c>: what was checked, how it went, why, and what to do. Never carries a secret.</summary>
/// <param name="Fix">What a person should do; null when there is nothing to do.</param>
public sealed record CheckResult(string Name, CheckOutcome Outcome, string Reason, string? Fix = null)
{
    public static CheckResult Pass(string name, string reason) => new(name, CheckOutcome.Pass, reason);

    public static CheckResult Fail(string name, string reason, string fix) => new(name, CheckOutcome.Fail, reason, fix);

    public static CheckResult Skip(string name, string reason, string? fix = null) => new(name, CheckOutcome.Skipped, reason, fix);
}
