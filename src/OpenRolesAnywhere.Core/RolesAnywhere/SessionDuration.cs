namespace OpenRolesAnywhere.Core.RolesAnywhere;

/// <summary>How long a Roles Anywhere session may last: CreateSession's <c>durationSeconds</c> and a profile's <c>durationSeconds</c> both take 900 to 43200.</summary>
public static class SessionDuration
{
    public static readonly TimeSpan Minimum = TimeSpan.FromSeconds(900);
    public static readonly TimeSpan Maximum = TimeSpan.FromSeconds(43200);

    /// <summary>The range in words, for messages.</summary>
    public const string Range = "between 900 and 43200 seconds (15 minutes to 12 hours)";

    public static bool IsAllowed(TimeSpan duration) => duration >= Minimum && duration <= Maximum;
}
