using OpenRolesAnywhere.CertificateAuthority.ControlPlane;
using OpenRolesAnywhere.CertificateAuthority.State;

namespace OpenRolesAnywhere.CertificateAuthority;

/// <summary><c>admin create-profile</c>, <c>POST /admin/profiles</c>: the roles certificates of this CA may assume; remembered for accept-request.</summary>
public sealed class CreateProfile(CaContext context)
{
    public async Task<ProfileSummary> RunAsync(CreateProfileRequest request, CancellationToken cancellationToken)
    {
        context.EnsureResourceName(request.Name);
        var inputs = new ProfileInputs(context);
        inputs.EnsureRoleArns(request.RoleArns);
        var seconds = inputs.DurationSeconds(request.SessionDuration);
        inputs.EnsureSettings(request.Settings);

        var state = context.Store.Load();
        var options = new NewProfileOptions(request.Settings, request.RequireInstanceProperties, request.Enabled);
        var profile = await context.ControlPlane(state)
            .CreateProfileAsync(request.Name, request.RoleArns, seconds, options, CaContext.TagsNamed(request.Name), cancellationToken);
        context.Store.Save(state with { Profiles = [.. state.Profiles.Where(p => p.Name != request.Name), new ProfileRecord(request.Name, profile.Profile.Arn)] });
        return profile.Profile;
    }
}
