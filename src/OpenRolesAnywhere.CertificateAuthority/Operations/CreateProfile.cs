using System.Globalization;
using OpenRolesAnywhere.CertificateAuthority.ControlPlane;
using OpenRolesAnywhere.CertificateAuthority.State;
using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.Core.RolesAnywhere;

namespace OpenRolesAnywhere.CertificateAuthority;

/// <summary><c>admin create-profile</c>, <c>POST /admin/profiles</c>: the roles certificates of this CA may assume; remembered for accept-request.</summary>
public sealed class CreateProfile(CaContext context)
{
    public async Task<ProfileSummary> RunAsync(CreateProfileRequest request, CancellationToken cancellationToken)
    {
        context.EnsureResourceName(request.Name);
        EnsureRoleArns(request.RoleArns);
        var seconds = request.SessionDuration.TotalSeconds;
        if (!SessionDuration.IsAllowed(request.SessionDuration) || seconds != Math.Floor(seconds))
        {
            throw new CredentialException(CredentialErrorKind.InvalidInput,
                $"{context.Label(AdminFields.SessionDuration)} must be whole seconds between 900s (15m) and 43200s (12h); got {seconds.ToString(CultureInfo.InvariantCulture)}s.");
        }

        var state = context.Store.Load();
        var profile = await context.ControlPlane(state)
            .CreateProfileAsync(request.Name, request.RoleArns, (int)seconds, CaContext.TagsNamed(request.Name), cancellationToken);
        context.Store.Save(state with { Profiles = [.. state.Profiles.Where(p => p.Name != request.Name), new ProfileRecord(request.Name, profile.Arn)] });
        return profile;
    }

    private void EnsureRoleArns(IReadOnlyList<string> roleArns)
    {
        var label = context.Label(AdminFields.RoleArn);
        if (roleArns.Count == 0)
        {
            throw new CredentialException(CredentialErrorKind.InvalidInput, $"Give at least one {label} (arn:aws:iam::123456789012:role/Name).");
        }

        foreach (var roleArn in roleArns)
        {
            var arn = Arn.Parse(roleArn, label);
            if (arn.Service != "iam" || !arn.Resource.StartsWith("role/", StringComparison.Ordinal))
            {
                throw new CredentialException(CredentialErrorKind.InvalidInput, $"{label} '{roleArn}' is not an IAM role ARN (arn:aws:iam::123456789012:role/Name).");
            }
        }
    }
}
