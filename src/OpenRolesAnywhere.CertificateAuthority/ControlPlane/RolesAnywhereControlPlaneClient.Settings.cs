using System.Text.Json;
using System.Text.Json.Nodes;

namespace OpenRolesAnywhere.CertificateAuthority.ControlPlane;

/// <summary>Profile settings, attribute mappings, notification settings and the trust anchors' lifecycle.</summary>
internal sealed partial class RolesAnywhereControlPlaneClient
{
    public Task<ProfileDetail> UpdateProfileAsync(
        string profileId, IReadOnlyList<string>? roleArns, int? durationSeconds, ProfileSettings settings, CancellationToken cancellationToken)
    {
        var body = new JsonObject();
        if (roleArns is not null)
        {
            body["roleArns"] = Strings(roleArns);
        }

        if (durationSeconds is { } seconds)
        {
            body["durationSeconds"] = seconds;
        }

        AddSettings(body, settings);
        return ProfileCallAsync(HttpMethod.Patch, ProfilePath(profileId), [], body, "UpdateProfile", cancellationToken);
    }

    public Task<ProfileDetail> GetProfileAsync(string profileId, CancellationToken cancellationToken) =>
        ProfileCallAsync(HttpMethod.Get, ProfilePath(profileId), [], null, "GetProfile", cancellationToken);

    public Task<ProfileDetail> SetProfileEnabledAsync(string profileId, bool enabled, CancellationToken cancellationToken) =>
        ProfileCallAsync(HttpMethod.Post, ProfilePath(profileId) + (enabled ? "/enable" : "/disable"), [], null, enabled ? "EnableProfile" : "DisableProfile", cancellationToken);

    public Task<ProfileDetail> PutAttributeMappingAsync(string profileId, string certificateField, IReadOnlyList<string> specifiers, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["certificateField"] = certificateField,
            ["mappingRules"] = new JsonArray(specifiers.Select(s => (JsonNode?)new JsonObject { ["specifier"] = s }).ToArray()),
        };
        return ProfileCallAsync(HttpMethod.Put, MappingsPath(profileId), [], body, "PutAttributeMapping", cancellationToken);
    }

    /// <summary>No specifiers removes the whole field's mapping.</summary>
    public Task<ProfileDetail> DeleteAttributeMappingAsync(string profileId, string certificateField, IReadOnlyList<string> specifiers, CancellationToken cancellationToken)
    {
        List<KeyValuePair<string, string>> query = [new("certificateField", certificateField), .. specifiers.Select(s => new KeyValuePair<string, string>("specifiers", s))];
        return ProfileCallAsync(HttpMethod.Delete, MappingsPath(profileId), query, null, "DeleteAttributeMapping", cancellationToken);
    }

    public Task<TrustAnchorDetail> PutNotificationSettingsAsync(string trustAnchorId, NotificationSetting setting, CancellationToken cancellationToken)
    {
        var entry = new JsonObject { ["enabled"] = setting.Enabled, ["event"] = setting.Event };
        if (setting.ThresholdDays is { } days)
        {
            entry["threshold"] = days;
        }

        var body = new JsonObject { ["trustAnchorId"] = trustAnchorId, ["notificationSettings"] = new JsonArray(entry) };
        return TrustAnchorCallAsync(HttpMethod.Patch, "/put-notifications-settings", body, "PutNotificationSettings", cancellationToken);
    }

    public Task<TrustAnchorDetail> ResetNotificationSettingsAsync(string trustAnchorId, IReadOnlyList<string> events, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["trustAnchorId"] = trustAnchorId,
            ["notificationSettingKeys"] = new JsonArray(events.Select(e => (JsonNode?)new JsonObject { ["event"] = e }).ToArray()),
        };
        return TrustAnchorCallAsync(HttpMethod.Patch, "/reset-notifications-settings", body, "ResetNotificationSettings", cancellationToken);
    }

    public Task<TrustAnchorDetail> SetTrustAnchorEnabledAsync(string trustAnchorId, bool enabled, CancellationToken cancellationToken) =>
        TrustAnchorCallAsync(HttpMethod.Post, TrustAnchorPath(trustAnchorId) + (enabled ? "/enable" : "/disable"), null, enabled ? "EnableTrustAnchor" : "DisableTrustAnchor", cancellationToken);

    public Task<TrustAnchorDetail> DeleteTrustAnchorAsync(string trustAnchorId, CancellationToken cancellationToken) =>
        TrustAnchorCallAsync(HttpMethod.Delete, TrustAnchorPath(trustAnchorId), null, "DeleteTrustAnchor", cancellationToken);

    public Task<IReadOnlyList<TrustAnchorDetail>> ListTrustAnchorDetailsAsync(CancellationToken cancellationToken) =>
        ListAsync("/trustanchors", "trustAnchors", "ListTrustAnchors", TrustAnchorDetail, cancellationToken);

    private static string ProfilePath(string profileId) => "/profile/" + Uri.EscapeDataString(profileId);

    private static string MappingsPath(string profileId) => "/profiles/" + Uri.EscapeDataString(profileId) + "/mappings";

    private static string TrustAnchorPath(string trustAnchorId) => "/trustanchor/" + Uri.EscapeDataString(trustAnchorId);

    private async Task<ProfileDetail> ProfileCallAsync(
        HttpMethod method, string path, List<KeyValuePair<string, string>> query, JsonObject? body, string operation, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(method, path, query, body, operation, cancellationToken);
        return ProfileDetail(Member(response.RootElement, "profile", operation));
    }

    private async Task<TrustAnchorDetail> TrustAnchorCallAsync(HttpMethod method, string path, JsonObject? body, string operation, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(method, path, [], body, operation, cancellationToken);
        return TrustAnchorDetail(Member(response.RootElement, "trustAnchor", operation));
    }

    private static TrustAnchorDetail TrustAnchorDetail(JsonElement anchor) => new(
        TrustAnchor(anchor),
        anchor.TryGetProperty("notificationSettings", out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Select(s => new NotificationSetting(
                Optional(s, "event") ?? "", Flag(s, "enabled"), s.TryGetProperty("threshold", out var t) && t.ValueKind == JsonValueKind.Number ? t.GetInt32() : null,
                Optional(s, "channel"), Optional(s, "configuredBy"))).ToList()
            : []);

    private static void AddSettings(JsonObject body, ProfileSettings settings)
    {
        if (settings.SessionPolicy is not null)
        {
            body["sessionPolicy"] = settings.SessionPolicy;
        }

        if (settings.ManagedPolicyArns is not null)
        {
            body["managedPolicyArns"] = Strings(settings.ManagedPolicyArns);
        }

        if (settings.AcceptRoleSessionName is { } accept)
        {
            body["acceptRoleSessionName"] = accept;
        }
    }

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());

    private static ProfileDetail ProfileDetail(JsonElement e) => new(
        Profile(e), Flag(e, "acceptRoleSessionName"), Flag(e, "requireInstanceProperties"), Optional(e, "sessionPolicy"),
        StringList(e, "managedPolicyArns"),
        e.TryGetProperty("attributeMappings", out var mappings) && mappings.ValueKind == JsonValueKind.Array
            ? mappings.EnumerateArray().Select(m => new AttributeMapping(
                Optional(m, "certificateField") ?? "",
                m.TryGetProperty("mappingRules", out var rules) && rules.ValueKind == JsonValueKind.Array
                    ? rules.EnumerateArray().Select(r => Optional(r, "specifier") ?? "").ToList()
                    : [])).ToList()
            : []);

    private static List<string> StringList(JsonElement e, string name) =>
        e.TryGetProperty(name, out var list) && list.ValueKind == JsonValueKind.Array ? list.EnumerateArray().Select(r => r.GetString() ?? "").ToList() : [];
}
