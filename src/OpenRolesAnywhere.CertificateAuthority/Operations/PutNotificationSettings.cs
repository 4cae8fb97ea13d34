using System.Globalization;
using OpenRolesAnywhere.CertificateAuthority.ControlPlane;
using OpenRolesAnywhere.Core;

namespace OpenRolesAnywhere.CertificateAuthority;

/// <summary>
/// <c>admin put-notification-settings</c>, <c>PUT /admin/trust-anchors/{anchor}/notifications</c>: how many days before
/// a CA or end-entity certificate expires Roles Anywhere says so (EventBridge, CloudWatch, Health Dashboard).
/// </summary>
public sealed class PutNotificationSettings(CaContext context)
{
    /// <summary>AWS's range for the threshold (botocore model, NotificationSettingThresholdInteger).</summary>
    private const int MinThresholdDays = 1;
    private const int MaxThresholdDays = 360;

    public async Task<TrustAnchorDetail> RunAsync(NotificationSettingsRequest request, CancellationToken cancellationToken)
    {
        var notificationEvent = NotificationEvents.Parse(context, request.Event);
        var label = context.Label(AdminFields.ThresholdDays);
        if (request.ThresholdDays is null && request.Enabled)
        {
            throw new CredentialException(CredentialErrorKind.InvalidInput, $"An enabled notification needs {label} ({MinThresholdDays} to {MaxThresholdDays}).");
        }

        if (request.ThresholdDays is { } days and (< MinThresholdDays or > MaxThresholdDays))
        {
            throw new CredentialException(CredentialErrorKind.InvalidInput,
                $"{label} must be {MinThresholdDays} to {MaxThresholdDays} days; got {days.ToString(CultureInfo.InvariantCulture)}.");
        }

        var (controlPlane, id, _) = await ResourceReferences.OpenTrustAnchorAsync(context, request.TrustAnchor, cancellationToken);
        var setting = new NotificationSetting(notificationEvent, request.Enabled, request.ThresholdDays, Channel: null, ConfiguredBy: null);
        return await controlPlane.PutNotificationSettingsAsync(id, setting, cancellationToken);
    }
}
