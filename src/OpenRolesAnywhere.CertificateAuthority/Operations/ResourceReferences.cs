using System.Text.RegularExpressions;
using OpenRolesAnywhere.CertificateAuthority.ControlPlane;
using OpenRolesAnywhere.CertificateAuthority.State;
using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.Core.RolesAnywhere;

namespace OpenRolesAnywhere.CertificateAuthority;

/// <summary>
/// Turns what an administrator types for a profile or trust anchor (its name, ARN or id) into the id the
/// control plane's paths take. A name is looked up among those created here first, then in Roles Anywhere.
/// </summary>
internal static partial class ResourceReferences
{
    /// <summary>The control plane for this CA and the id of the profile the caller means.</summary>
    public static async Task<(RolesAnywhereControlPlaneClient ControlPlane, string Id)> OpenProfileAsync(CaContext context, string reference, CancellationToken cancellationToken)
    {
        var state = context.Store.Load();
        var controlPlane = context.ControlPlane(state);
        return (controlPlane, await ProfileIdAsync(context, controlPlane, state, reference, cancellationToken));
    }

    /// <summary>The control plane for this CA, the id of the trust anchor the caller means (this CA's by default) and the CA's state.</summary>
    public static async Task<(RolesAnywhereControlPlaneClient ControlPlane, string Id, CaState State)> OpenTrustAnchorAsync(
        CaContext context, string? reference, CancellationToken cancellationToken)
    {
        var state = context.Store.Load();
        var controlPlane = context.ControlPlane(state);
        return (controlPlane, await TrustAnchorIdAsync(context, controlPlane, state, reference, cancellationToken), state);
    }

    private static async Task<string> ProfileIdAsync(
        CaContext context, RolesAnywhereControlPlaneClient controlPlane, CaState state, string reference, CancellationToken cancellationToken)
    {
        var label = context.Label(AdminFields.Profile);
        if (IdOf(reference, "profile", label) is { } id)
        {
            return id;
        }

        if (state.Profiles.LastOrDefault(p => p.Name == reference) is { } known)
        {
            return IdOf(known.Arn, "profile", label)!;
        }

        var named = (await controlPlane.ListProfilesAsync(cancellationToken)).Where(p => p.Name == reference).ToList();
        return Single(named.Select(p => p.Id).ToList(), reference, label, "profile");
    }

    /// <summary>No reference means the trust anchor of the CA in this configuration directory.</summary>
    private static async Task<string> TrustAnchorIdAsync(
        CaContext context, RolesAnywhereControlPlaneClient controlPlane, CaState state, string? reference, CancellationToken cancellationToken)
    {
        var label = context.Label(AdminFields.TrustAnchor);
        reference ??= state.TrustAnchorArn ?? throw new CredentialException(CredentialErrorKind.InvalidInput,
            $"No CA was created in {context.Store.Directory}: give the {label} (name, ARN or id; `admin list-trust-anchors` shows them).");
        if (IdOf(reference, "trust-anchor", label) is { } id)
        {
            return id;
        }

        var named = (await controlPlane.ListTrustAnchorsAsync(cancellationToken)).Where(a => a.Name == reference).ToList();
        return Single(named.Select(a => a.Id).ToList(), reference, label, "trust anchor");
    }

    /// <summary>The id inside an ARN of the given resource type, the reference itself when it is an id, else null (a name).</summary>
    private static string? IdOf(string reference, string resourceType, string label)
    {
        if (Arn.TryParse(reference, out var arn))
        {
            var prefix = resourceType + "/";
            return arn.Service == "rolesanywhere" && arn.Resource.StartsWith(prefix, StringComparison.Ordinal) && Uuid().IsMatch(arn.Resource[prefix.Length..])
                ? arn.Resource[prefix.Length..]
                : throw new CredentialException(CredentialErrorKind.InvalidInput,
                    $"{label} '{reference}' is not a Roles Anywhere {resourceType} ARN (arn:aws:rolesanywhere:region:account:{resourceType}/id).");
        }

        return Uuid().IsMatch(reference) ? reference : null;
    }

    private static string Single(List<string> ids, string name, string label, string what) => ids.Count switch
    {
        1 => ids[0],
        0 => throw new CredentialException(CredentialErrorKind.NotFound,
            $"Roles Anywhere has no {what} named '{name}' in this region: check the {label} (`admin list` shows names), the region, or give the ARN."),
        _ => throw new CredentialException(CredentialErrorKind.InvalidInput,
            $"{ids.Count} {what}s are named '{name}': give the {label} as an ARN or id instead."),
    };

    [GeneratedRegex("^[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$")]
    private static partial Regex Uuid();
}
