using OpenRolesAnywhere.Core.RolesAnywhere;

namespace OpenRolesAnywhere.Core.Credentials;

/// <summary>
/// The checks of one configured source made at start, before any key is touched, each message naming its field as
/// the caller's configuration spells it (<c>Sources[1].RoleArn</c> in serve's file, <c>RolesAnywhere:RoleArn</c> in an app's).
/// </summary>
public static class CredentialSourceValidation
{
    /// <param name="field">The name of a field of <paramref name="source"/> as its configuration spells it.</param>
    /// <param name="failures">Where each problem is added.</param>
    public static void Check(CredentialSourceOptions source, Func<string, string> field, ICollection<string> failures)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(field);
        ArgumentNullException.ThrowIfNull(failures);
        if (string.IsNullOrWhiteSpace(source.Certificate) && string.IsNullOrWhiteSpace(source.Name))
        {
            failures.Add($"{field("Certificate")}: give the certificate file (or a Name saved as NAME.pem).");
        }

        CheckArn(failures, field("RoleArn"), source.RoleArn, "iam", "role/", "an IAM role", required: true);
        CheckArn(failures, field("TrustAnchorArn"), source.TrustAnchorArn, "rolesanywhere", "trust-anchor/", "a Roles Anywhere trust anchor", required: false);
        CheckArn(failures, field("ProfileArn"), source.ProfileArn, "rolesanywhere", "profile/", "a Roles Anywhere profile", required: false);
        foreach (var failure in SourceFieldRules.Check(source, field))
        {
            failures.Add(failure);
        }
    }

    private static void CheckArn(ICollection<string> failures, string field, string? value, string service, string resourcePrefix, string what, bool required)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required)
            {
                failures.Add($"{field}: required (arn:aws:{service}::ACCOUNT:{resourcePrefix}NAME).");
            }

            return;
        }

        if (!Arn.TryParse(value, out var arn) || arn.Service != service || !arn.Resource.StartsWith(resourcePrefix, StringComparison.Ordinal))
        {
            failures.Add($"{field}: '{value}' is not the ARN of {what} (arn:aws:{service}:...:{resourcePrefix}...).");
        }
    }
}
