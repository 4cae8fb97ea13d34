using OpenRolesAnywhere.CertificateAuthority.ControlPlane;
using OpenRolesAnywhere.Core;

namespace OpenRolesAnywhere.CertificateAuthority;

/// <summary>
/// <c>admin update-profile</c>, <c>PATCH /admin/profiles/{profile}</c>: roles, duration, session policy, managed
/// policies and role session names through UpdateProfile; enabling and disabling through their own calls.
/// </summary>
public sealed class UpdateProfile(CaContext context)
{
    public async Task<ProfileDetail> RunAsync(UpdateProfileRequest request, CancellationToken cancellationToken)
    {
        var inputs = new ProfileInputs(context);
        if (request.RoleArns is { } roleArns)
        {
            inputs.EnsureRoleArns(roleArns);
        }

        int? seconds = request.SessionDuration is { } duration ? inputs.DurationSeconds(duration) : null;
        var settings = request.Settings;
        inputs.EnsureSettings(settings);
        var updates = request.RoleArns is not null || seconds is not null
            || settings.SessionPolicy is not null || settings.ManagedPolicyArns is not null || settings.AcceptRoleSessionName is not null;
        if (!updates && request.Enabled is null)
        {
            var fields = new[] { AdminFields.RoleArn, AdminFields.SessionDuration, AdminFields.SessionPolicy, AdminFields.ManagedPolicyArn, AdminFields.AcceptRoleSessionName };
            throw new CredentialException(CredentialErrorKind.InvalidInput,
                $"Nothing to change: give {string.Join(", ", fields.Select(context.Label))}, or enable or disable the profile.");
        }

        var (controlPlane, id) = await ResourceReferences.OpenProfileAsync(context, request.Profile, cancellationToken);
        ProfileDetail? profile = null;
        if (updates)
        {
            profile = await controlPlane.UpdateProfileAsync(id, request.RoleArns, seconds, settings, cancellationToken);
        }

        if (request.Enabled is { } enabled)
        {
            profile = await controlPlane.SetProfileEnabledAsync(id, enabled, cancellationToken);
        }

        return profile!;
    }
}
