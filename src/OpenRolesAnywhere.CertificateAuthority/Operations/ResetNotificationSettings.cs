using OpenRolesAnywhere.CertificateAuthority.ControlPlane;

namespace OpenRolesAnywhere.CertificateAuthority;

/// <summary>
/// <c>admin reset-notification-settings</c>, <c>DELETE /admin/trust-anchors/{anchor}/notifications</c>: back to AWS's
/// defaults for the given events, or for both when none is given.
/// </summary>
public sealed class ResetNotificationSettings(CaContext context)
{
    public async Task<TrustAnchorDetail> RunAsync(string? trustAnchor, IReadOnlyList<string> events, CancellationToken cancellationToken)
    {
        var keys = events.Count == 0 ? NotificationEvents.All : events.Select(e => NotificationEvents.Parse(context, e)).Distinct().ToList();
        var (controlPlane, id, _) = await ResourceReferences.OpenTrustAnchorAsync(context, trustAnchor, cancellationToken);
        return await controlPlane.ResetNotificationSettingsAsync(id, keys, cancellationToken);
    }
}
