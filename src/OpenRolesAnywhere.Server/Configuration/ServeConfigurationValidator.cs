using Microsoft.Extensions.Options;
using OpenRolesAnywhere.Core.Credentials;

namespace OpenRolesAnywhere.Server.Configuration;

/// <summary>
/// Checks the sources at start, before any key is touched, with messages that name the field
/// (<c>Sources[1].RoleArn</c>) so a typo in the config file is found at once, not at the first request.
/// </summary>
internal sealed class ServeConfigurationValidator : IValidateOptions<ServeConfiguration>
{
    public ValidateOptionsResult Validate(string? name, ServeConfiguration options)
    {
        var failures = new List<string>();
        if (options.Sources.Count == 0)
        {
            failures.Add("Sources: no credential source is configured. Give one with --certificate/--name and --role-arn, or list them under \"Sources\" in the --config file.");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Sources.Count; i++)
        {
            CheckSource(failures, names, options.Sources[i], $"Sources[{i}]");
        }

        if (options.DefaultSource is { } chosen && !options.Sources.Any(s => s.Name == chosen))
        {
            failures.Add($"DefaultSource: no source is named '{chosen}'.");
        }

        ProxyRouteValidation.Check(options, failures);

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckSource(List<string> failures, HashSet<string> names, CredentialSourceOptions source, string field)
    {
        if (string.IsNullOrWhiteSpace(source.Name))
        {
            failures.Add($"{field}.Name: every source needs a name (it is the path /v1/credentials/NAME).");
        }
        else if (!names.Add(source.Name))
        {
            failures.Add($"{field}.Name: '{source.Name}' is used by two sources.");
        }

        CredentialSourceValidation.Check(source, property => $"{field}.{property}", failures);
    }
}
