using System.Globalization;
using System.Text.Json;
using OpenRolesAnywhere.CertificateAuthority.ControlPlane;
using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.Core.RolesAnywhere;

namespace OpenRolesAnywhere.CertificateAuthority;

/// <summary>The checks create-profile and update-profile share, made before anything reaches AWS.</summary>
internal sealed class ProfileInputs(CaContext context)
{
    /// <summary>AWS's limits (botocore model): a session policy of at most 100000 characters, at most 50 managed policies.</summary>
    private const int MaxSessionPolicyLength = 100_000;
    private const int MaxManagedPolicies = 50;

    public int DurationSeconds(TimeSpan duration)
    {
        var seconds = duration.TotalSeconds;
        if (!SessionDuration.IsAllowed(duration) || seconds != Math.Floor(seconds))
        {
            throw new CredentialException(CredentialErrorKind.InvalidInput,
                $"{context.Label(AdminFields.SessionDuration)} must be whole seconds between 900s (15m) and 43200s (12h); got {seconds.ToString(CultureInfo.InvariantCulture)}s.");
        }

        return (int)seconds;
    }

    public void EnsureRoleArns(IReadOnlyList<string> roleArns)
    {
        var label = context.Label(AdminFields.RoleArn);
        if (roleArns.Count == 0)
        {
            throw new CredentialException(CredentialErrorKind.InvalidInput, $"Give at least one {label} (arn:aws:iam::123456789012:role/Name).");
        }

        foreach (var roleArn in roleArns)
        {
            EnsureIamArn(roleArn, "role/", label, "arn:aws:iam::123456789012:role/Name");
        }
    }

    public void EnsureSettings(ProfileSettings settings)
    {
        if (settings.SessionPolicy is { } policy)
        {
            EnsurePolicyDocument(policy);
        }

        if (settings.ManagedPolicyArns is { } arns)
        {
            var label = context.Label(AdminFields.ManagedPolicyArn);
            if (arns.Count > MaxManagedPolicies)
            {
                throw new CredentialException(CredentialErrorKind.InvalidInput, $"Roles Anywhere takes at most {MaxManagedPolicies} {label} values; got {arns.Count}.");
            }

            foreach (var arn in arns)
            {
                EnsureIamArn(arn, "policy/", label, "arn:aws:iam::aws:policy/ReadOnlyAccess");
            }
        }
    }

    private void EnsurePolicyDocument(string policy)
    {
        var label = context.Label(AdminFields.SessionPolicy);
        if (policy.Length is 0 or > MaxSessionPolicyLength)
        {
            throw new CredentialException(CredentialErrorKind.InvalidInput, $"{label} must be 1 to {MaxSessionPolicyLength} characters of JSON; got {policy.Length}.");
        }

        try
        {
            using var document = JsonDocument.Parse(policy);
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("Statement", out _))
            {
                throw new CredentialException(CredentialErrorKind.InvalidInput,
                    $"{label} is JSON but not an IAM policy document: it needs an object with \"Version\" and \"Statement\".");
            }
        }
        catch (JsonException e)
        {
            throw new CredentialException(CredentialErrorKind.InvalidInput, $"{label} is not valid JSON: {e.Message}", e);
        }
    }

    private static void EnsureIamArn(string text, string resourcePrefix, string label, string example)
    {
        var arn = Arn.Parse(text, label);
        if (arn.Service != "iam" || !arn.Resource.StartsWith(resourcePrefix, StringComparison.Ordinal))
        {
            throw new CredentialException(CredentialErrorKind.InvalidInput, $"{label} '{text}' is not an IAM {resourcePrefix.TrimEnd('/')} ARN ({example}).");
        }
    }
}
