using Microsoft.Extensions.Options;
using OpenRolesAnywhere.Core.Credentials;

namespace OpenRolesAnywhere.AwsSdk;

/// <summary>
/// Checks the bound options at start (<c>ValidateOnStart</c>), each message naming the field as appsettings.json
/// spells it (<c>RolesAnywhere:RoleArn</c>), with the checks <c>serve</c> makes of its sources.
/// </summary>
internal sealed class RolesAnywhereCredentialsOptionsValidator(string section) : IValidateOptions<RolesAnywhereCredentialsOptions>
{
    public ValidateOptionsResult Validate(string? name, RolesAnywhereCredentialsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        CredentialSourceValidation.Check(options.ToSourceOptions(), field => $"{section}:{field}", failures);
        if (options.PrivateKey is not null && options.SshFingerprint is not null)
        {
            failures.Add($"{section}:SshFingerprint: give either PrivateKey or SshFingerprint, not both.");
        }

        if (options.Certificate is { } certificate && !certificate.StartsWith("pkcs11:", StringComparison.Ordinal) && !File.Exists(certificate))
        {
            failures.Add($"{section}:Certificate: the file {Path.GetFullPath(certificate)} does not exist.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
