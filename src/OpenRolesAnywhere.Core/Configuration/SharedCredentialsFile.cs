using OpenRolesAnywhere.Core.RolesAnywhere;

namespace OpenRolesAnywhere.Core.Configuration;

/// <summary>
/// The AWS shared credentials file (<c>~/.aws/credentials</c>, or <c>AWS_SHARED_CREDENTIALS_FILE</c>): one profile's
/// keys replaced in place; every other line (other profiles, comments, a region) kept as it was.
/// </summary>
public static class SharedCredentialsFile
{
    private static readonly string[] Keys = ["aws_access_key_id", "aws_secret_access_key", "aws_session_token"];

    /// <summary>Where the AWS CLI and SDKs read it: <c>AWS_SHARED_CREDENTIALS_FILE</c> (a leading <c>~</c> expanded), else <c>~/.aws/credentials</c>.</summary>
    public static string PathFrom(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var home = environment("HOME") is { Length: > 0 } h ? h : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return environment("AWS_SHARED_CREDENTIALS_FILE") switch
        {
            { Length: > 0 } path when path == "~" || path.StartsWith("~/", StringComparison.Ordinal) => home + path[1..],
            { Length: > 0 } path => path,
            _ => Path.Combine(home, ".aws", "credentials"),
        };
    }

    /// <summary>Writes the profile's keys through <see cref="SecretFile.WriteAtomically(string, string)"/> (0600, renamed into place).</summary>
    public static void Write(string path, string profile, SessionCredentials credentials)
    {
        string existing;
        try
        {
            existing = File.Exists(path) ? File.ReadAllText(path) : "";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CredentialException(CredentialErrorKind.InvalidInput, $"Cannot read the AWS credentials file {path}: {e.Message}");
        }

        SecretFile.WriteAtomically(path, WithProfile(existing, profile, credentials));
    }

    /// <summary><paramref name="text"/> with <paramref name="profile"/>'s three keys set (the section added at the end when missing).</summary>
    public static string WithProfile(string text, string profile, SessionCredentials credentials)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(credentials);
        if (ProfileNameProblem(profile) is { } problem)
        {
            throw new CredentialException(CredentialErrorKind.InvalidInput, problem);
        }

        string[] values = [credentials.AccessKeyId, credentials.SecretAccessKey, credentials.SessionToken];
        var lines = text.Length == 0 ? [] : text.TrimEnd('\n').Split('\n').ToList();
        var header = lines.FindIndex(line => SectionName(line) == profile.Trim());
        if (header < 0)
        {
            if (lines.Count > 0)
            {
                lines.Add("");
            }

            lines.Add($"[{profile.Trim()}]");
            lines.AddRange(Keys.Select((key, i) => $"{key} = {values[i]}"));
            return string.Join('\n', lines) + "\n";
        }

        var end = lines.FindIndex(header + 1, line => SectionName(line) is not null);
        SetKeys(lines, header, end < 0 ? lines.Count : end, values);
        return string.Join('\n', lines) + "\n";
    }

    /// <summary>Why <paramref name="profile"/> cannot name a section of the file, or null when it can.</summary>
    public static string? ProfileNameProblem(string? profile) =>
        string.IsNullOrWhiteSpace(profile) || profile.IndexOfAny(['[', ']', '\r', '\n']) >= 0
            ? $"'{profile}' cannot be a profile name: give a name without brackets or line breaks (--profile NAME)."
            : null;

    /// <summary>Replaces the keys' first lines in the section, drops their repeats, and adds missing ones after its last non-blank line.</summary>
    private static void SetKeys(List<string> lines, int header, int end, string[] values)
    {
        var written = new bool[Keys.Length];
        for (var i = end - 1; i > header; i--)
        {
            var index = Array.IndexOf(Keys, KeyName(lines[i]));
            if (index < 0)
            {
                continue;
            }

            // A repeated key (readers disagree on which wins) is kept once, where it last appeared.
            if (written[index])
            {
                lines.RemoveAt(i);
                end--;
                continue;
            }

            lines[i] = $"{Keys[index]} = {values[index]}";
            written[index] = true;
        }

        var insertAt = end;
        while (insertAt - 1 > header && string.IsNullOrWhiteSpace(lines[insertAt - 1]))
        {
            insertAt--;
        }

        lines.InsertRange(insertAt, Keys.Select((key, i) => (key, i)).Where(k => !written[k.i]).Select(k => $"{k.key} = {values[k.i]}"));
    }

    private static string? SectionName(string line)
    {
        var trimmed = line.Trim();
        return trimmed.Length >= 2 && trimmed[0] == '[' && trimmed[^1] == ']' ? trimmed[1..^1].Trim() : null;
    }

    private static string? KeyName(string line)
    {
        var equals = line.IndexOf('=', StringComparison.Ordinal);
        return equals > 0 ? line[..equals].Trim().ToLowerInvariant() : null;
    }
}
