using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OpenRolesAnywhere.CertificateAuthority;
using OpenRolesAnywhere.CertificateAuthority.ControlPlane;
using OpenRolesAnywhere.Core.Configuration;

namespace OpenRolesAnywhere.Admin.Http;

/// <summary>
/// Profile settings, attribute mappings, notification settings and trust anchors. A profile or trust anchor in the
/// path is its name, id or ARN (URL-encoded: <c>arn%3Aaws%3A...%2Fid</c>).
/// </summary>
public static partial class AdminEndpoints
{
    private static void MapProfileSettings(RouteGroupBuilder group)
    {
        group.MapGet("/profiles/{profile}", async (string profile, ShowProfile show, CancellationToken cancellationToken) =>
            TypedResults.Json(await show.RunAsync(Decoded(profile), cancellationToken), AdminJson.Default.ProfileDetail));
        group.MapPatch("/profiles/{profile}", UpdateProfileAsync);
        group.MapPut("/profiles/{profile}/mappings", PutAttributeMappingAsync);
        group.MapDelete("/profiles/{profile}/mappings", async (string profile, string? certificateField, string[]? specifier, DeleteAttributeMapping delete, CancellationToken cancellationToken) =>
            TypedResults.Json(await delete.RunAsync(
                new AttributeMappingRequest(Decoded(profile), AdminBody.Required(certificateField, "certificateField"), specifier ?? []), cancellationToken),
                AdminJson.Default.ProfileDetail));
    }

    private static void MapTrustAnchors(RouteGroupBuilder group)
    {
        group.MapGet("/trust-anchors", async (ListTrustAnchors list, CancellationToken cancellationToken) =>
            TypedResults.Json(await list.RunAsync(cancellationToken), AdminJson.Default.IReadOnlyListTrustAnchorDetail));
        group.MapPost("/trust-anchors/{anchor}/enable", (string anchor, SetTrustAnchorEnabled set, CancellationToken cancellationToken) =>
            SetEnabledAsync(anchor, true, set, cancellationToken));
        group.MapPost("/trust-anchors/{anchor}/disable", (string anchor, SetTrustAnchorEnabled set, CancellationToken cancellationToken) =>
            SetEnabledAsync(anchor, false, set, cancellationToken));
        group.MapDelete("/trust-anchors/{anchor}", async (string anchor, bool? force, DeleteTrustAnchor delete, CancellationToken cancellationToken) =>
            TypedResults.Json(await delete.RunAsync(Decoded(anchor), force ?? false, cancellationToken), AdminJson.Default.TrustAnchorDetail));
        group.MapPut("/trust-anchors/{anchor}/notifications", PutNotificationSettingsAsync);
        group.MapDelete("/trust-anchors/{anchor}/notifications", async (string anchor, string[]? @event, ResetNotificationSettings reset, CancellationToken cancellationToken) =>
            TypedResults.Json(await reset.RunAsync(Decoded(anchor), @event ?? [], cancellationToken), AdminJson.Default.TrustAnchorDetail));
    }

    private static async Task<IResult> UpdateProfileAsync(
        string profile, HttpContext context, UpdateProfile update, AdminEndpointOptions options, CancellationToken cancellationToken)
    {
        var body = await AdminBody.ReadJsonAsync(context.Request, AdminJson.Default.UpdateProfileBody, options.MaxRequestBytes, cancellationToken);
        var detail = await update.RunAsync(new UpdateProfileRequest(Decoded(profile))
        {
            RoleArns = body.RoleArns,
            SessionDuration = body.SessionDuration is null ? null : Durations.Parse(body.SessionDuration, "sessionDuration"),
            Settings = new ProfileSettings { SessionPolicy = body.SessionPolicy, ManagedPolicyArns = body.ManagedPolicyArns, AcceptRoleSessionName = body.AcceptRoleSessionName },
            Enabled = body.Enabled,
        }, cancellationToken);
        return TypedResults.Json(detail, AdminJson.Default.ProfileDetail);
    }

    private static async Task<IResult> PutAttributeMappingAsync(
        string profile, HttpContext context, PutAttributeMapping put, AdminEndpointOptions options, CancellationToken cancellationToken)
    {
        var body = await AdminBody.ReadJsonAsync(context.Request, AdminJson.Default.AttributeMappingBody, options.MaxRequestBytes, cancellationToken);
        var detail = await put.RunAsync(
            new AttributeMappingRequest(Decoded(profile), AdminBody.Required(body.CertificateField, "certificateField"), body.Specifiers), cancellationToken);
        return TypedResults.Json(detail, AdminJson.Default.ProfileDetail);
    }

    private static async Task<IResult> PutNotificationSettingsAsync(
        string anchor, HttpContext context, PutNotificationSettings put, AdminEndpointOptions options, CancellationToken cancellationToken)
    {
        var body = await AdminBody.ReadJsonAsync(context.Request, AdminJson.Default.NotificationSettingsBody, options.MaxRequestBytes, cancellationToken);
        var detail = await put.RunAsync(
            new NotificationSettingsRequest(Decoded(anchor), AdminBody.Required(body.Event, "event"), body.Enabled, body.ThresholdDays), cancellationToken);
        return TypedResults.Json(detail, AdminJson.Default.TrustAnchorDetail);
    }

    private static async Task<IResult> SetEnabledAsync(string anchor, bool enabled, SetTrustAnchorEnabled set, CancellationToken cancellationToken) =>
        TypedResults.Json(await set.RunAsync(Decoded(anchor), enabled, cancellationToken), AdminJson.Default.TrustAnchorDetail);

    /// <summary>Routing leaves <c>%2F</c> encoded in a segment; an ARN needs it decoded.</summary>
    private static string Decoded(string segment) => Uri.UnescapeDataString(segment);
}
