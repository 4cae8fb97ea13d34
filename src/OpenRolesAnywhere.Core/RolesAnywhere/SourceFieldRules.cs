using System.Text.RegularExpressions;
using OpenRolesAnywhere.Core.Aws;
using OpenRolesAnywhere.Core.Configuration;
using OpenRolesAnywhere.Core.Credentials;

namespace OpenRolesAnywhere.Core.RolesAnywhere;

/// <summary>
/// The checks one credential source's fields get before anything starts, shared by <c>credential-process</c>'s
/// flags and <c>serve</c>'s config file: each failure names the field as the caller spells it
/// (<c>--region</c>, <c>Sources[0].Region</c>).
/// </summary>
public static partial class SourceFieldRules
{
    /// <summary>
    /// A source name is a path segment (<c>/v1/credentials/NAME</c>) and a file name (<c>NAME.pem</c>): a letter
    /// or digit, then up to 63 letters, digits, '.', '_' or '-'. So never <c>.</c>, <c>..</c>, a hidden file or a slash.
    /// </summary>
    public const string NameRule = "1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit";

    /// <param name="field">The name a person uses for a property (<c>"Region"</c> to <c>"--region"</c>).</param>
    public static List<string> Check(CredentialSourceOptions source, Func<string, string> field)
    {
        var failures = new List<string>();
        if (source.Name is { } name && !SourceName().IsMatch(name))
        {
            failures.Add($"{field(nameof(source.Name))}: '{Printable(name)}' is not a source name ({NameRule}).");
        }

        try
        {
            var duration = Durations.Parse(source.SessionDuration, field(nameof(source.SessionDuration)));
            if (DurationProblem(duration) is { } problem)
            {
                failures.Add($"{field(nameof(source.SessionDuration))}: {problem}");
            }
        }
        catch (CredentialException e)
        {
            failures.Add(e.Message);
        }

        AddIf(failures, field(nameof(source.RoleSessionName)), RoleSessionNameProblem(source.RoleSessionName));
        AddIf(failures, field(nameof(source.Region)), RegionProblem(source.Region));
        AddIf(failures, field(nameof(source.Endpoint)), source.Endpoint is null ? null : AwsEndpoint.Problem(source.Endpoint));
        return failures;
    }

    public static string? DurationProblem(TimeSpan duration) =>
        SessionDuration.IsAllowed(duration) ? null : $"must be {SessionDuration.Range}, not {Math.Floor(duration.TotalSeconds):0}.";

    /// <summary>AWS's pattern for RoleSessionName: <c>[\w+=,.@-]{2,64}</c>.</summary>
    public static string? RoleSessionNameProblem(string? value) =>
        value is null || RoleSessionName().IsMatch(value) ? null
            : $"'{Printable(value)}' is not a role session name (2 to 64 letters, digits and + = , . @ _ -).";

    /// <summary>A region becomes part of a host name and of the signature's scope: only AWS's shape (<c>us-east-1</c>).</summary>
    public static string? RegionProblem(string? value) =>
        value is null || Region().IsMatch(value) ? null : $"'{Printable(value)}' is not an AWS region (like us-east-1 or eu-west-2).";

    /// <summary>A SigV4 signing name (<c>aps</c>, <c>sts</c>, <c>kms</c>): part of the signature's scope and of a host name.</summary>
    public static string? ServiceNameProblem(string? value) =>
        value is null || ServiceName().IsMatch(value) ? null : $"'{Printable(value)}' is not an AWS signing name (lowercase letters, digits and -, like aps or sts).";

    /// <summary>Control characters shown escaped, so a message never carries a raw newline or escape sequence.</summary>
    public static string Printable(string value) =>
        string.Concat(value.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));

    /// <summary>Adds <c>field: problem</c> when there is a problem.</summary>
    public static void AddIf(List<string> failures, string field, string? problem)
    {
        if (problem is not null)
        {
            failures.Add($"{field}: {problem}");
        }
    }

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}\z")]
    private static partial Regex SourceName();

    [GeneratedRegex(@"^[A-Za-z0-9_+=,.@-]{2,64}\z")]
    private static partial Regex RoleSessionName();

    [GeneratedRegex(@"^[a-z]{2,4}(-[a-z]+)+-[0-9]{1,2}\z")]
    private static partial Regex Region();

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,62}$")]
    private static partial Regex ServiceName();
}
