using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace OpenRolesAnywhere.TestCommon.FakeRolesAnywhereControlPlane;

/// <summary>
/// Profile settings, attribute mappings, notification settings and the trust anchors' lifecycle, as AWS answers
/// them once the model's checks have passed: unknown ids are ResourceNotFoundException (404), a session policy
/// that is not a JSON policy document and an enabled notification without a threshold are ValidationException.
/// </summary>
public sealed partial class FakeRolesAnywhereControlPlaneServer
{
    private JsonObject Settings(string operation, Dictionary<string, string> labels, JsonElement? body, IQueryCollection query) => operation switch
    {
        "GetProfile" => ProfileAnswer(FindProfile(labels)),
        "UpdateProfile" => ProfileAnswer(_profiles[FindProfile(labels).Id] = WithSettings(WithRolesAndDuration(FindProfile(labels), body!.Value), body.Value)),
        "EnableProfile" => ProfileAnswer(_profiles[FindProfile(labels).Id] = FindProfile(labels) with { Enabled = true }),
        "DisableProfile" => ProfileAnswer(_profiles[FindProfile(labels).Id] = FindProfile(labels) with { Enabled = false }),
        "PutAttributeMapping" => ProfileAnswer(_profiles[FindProfile(labels).Id] = PutMapping(FindProfile(labels), body!.Value)),
        "DeleteAttributeMapping" => ProfileAnswer(_profiles[FindProfile(labels).Id] = DeleteMapping(FindProfile(labels), query)),
        "PutNotificationSettings" => AnchorAnswer(PutNotifications(body!.Value)),
        "ResetNotificationSettings" => AnchorAnswer(ResetNotifications(body!.Value)),
        "EnableTrustAnchor" => AnchorAnswer(_trustAnchors[FindAnchor(labels["trustAnchorId"]).Id] = FindAnchor(labels["trustAnchorId"]) with { Enabled = true }),
        "DisableTrustAnchor" => AnchorAnswer(_trustAnchors[FindAnchor(labels["trustAnchorId"]).Id] = FindAnchor(labels["trustAnchorId"]) with { Enabled = false }),
        "DeleteTrustAnchor" => AnchorAnswer(_trustAnchors.TryRemove(FindAnchor(labels["trustAnchorId"]).Id, out var removed) ? removed : throw NotFound()),
        _ => throw new ServiceError(501, "NotImplementedException", $"The fake does not implement {operation}."),
    };

    private static FakeProfile WithSettings(FakeProfile profile, JsonElement body)
    {
        if (body.TryGetProperty("sessionPolicy", out var policy))
        {
            CheckPolicy(policy.GetString()!);
            profile = profile with { SessionPolicy = policy.GetString() };
        }

        if (body.TryGetProperty("managedPolicyArns", out var managed))
        {
            profile = profile with { ManagedPolicyArns = managed.EnumerateArray().Select(a => a.GetString()!).ToList() };
        }

        return body.TryGetProperty("acceptRoleSessionName", out var accept) ? profile with { AcceptRoleSessionName = accept.GetBoolean() } : profile;
    }

    private static FakeProfile WithRolesAndDuration(FakeProfile profile, JsonElement body)
    {
        if (body.TryGetProperty("roleArns", out var roles))
        {
            profile = profile with { RoleArns = roles.EnumerateArray().Select(r => r.GetString()!).ToList() };
        }

        return body.TryGetProperty("durationSeconds", out var duration) ? profile with { DurationSeconds = duration.GetInt32() } : profile;
    }

    /// <summary>IAM's first check of a policy: a JSON object with statements.</summary>
    private static void CheckPolicy(string policy)
    {
        try
        {
            using var document = JsonDocument.Parse(policy);
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("Statement", out _))
            {
                return;
            }
        }
        catch (JsonException)
        {
        }

        throw new ServiceError(400, "ValidationException", "The session policy is not a valid IAM policy document.");
    }

    private static FakeProfile PutMapping(FakeProfile profile, JsonElement body)
    {
        var rules = body.GetProperty("mappingRules").EnumerateArray().Select(r => r.GetProperty("specifier").GetString()!).ToList();
        return profile with { AttributeMappings = new Dictionary<string, IReadOnlyList<string>>(profile.AttributeMappings) { [body.GetProperty("certificateField").GetString()!] = rules } };
    }

    /// <summary>Without specifiers the whole field goes; with them, only those rules.</summary>
    private static FakeProfile DeleteMapping(FakeProfile profile, IQueryCollection query)
    {
        var field = query["certificateField"].ToString();
        var mappings = new Dictionary<string, IReadOnlyList<string>>(profile.AttributeMappings);
        var specifiers = query["specifiers"].Where(s => s is not null).ToHashSet();
        if (specifiers.Count == 0 || !mappings.TryGetValue(field, out var rules))
        {
            mappings.Remove(field);
        }
        else
        {
            var left = rules.Where(r => !specifiers.Contains(r)).ToList();
            if (left.Count == 0)
            {
                mappings.Remove(field);
            }
            else
            {
                mappings[field] = left;
            }
        }

        return profile with { AttributeMappings = mappings };
    }

    private FakeTrustAnchor PutNotifications(JsonElement body)
    {
        var anchor = FindAnchor(body.GetProperty("trustAnchorId").GetString()!);
        var settings = anchor.NotificationSettings.ToList();
        foreach (var setting in body.GetProperty("notificationSettings").EnumerateArray())
        {
            var enabled = setting.GetProperty("enabled").GetBoolean();
            int? threshold = setting.TryGetProperty("threshold", out var t) ? t.GetInt32() : null;
            if (enabled && threshold is null)
            {
                throw new ServiceError(400, "ValidationException", "A threshold is required for an enabled notification setting.");
            }

            var notificationEvent = setting.GetProperty("event").GetString()!;
            settings.RemoveAll(s => s.Event == notificationEvent);
            settings.Add(new FakeNotificationSetting(notificationEvent, enabled, threshold, "ALL", Account));
        }

        return _trustAnchors[anchor.Id] = anchor with { NotificationSettings = [.. settings.OrderBy(s => s.Event, StringComparer.Ordinal)] };
    }

    private FakeTrustAnchor ResetNotifications(JsonElement body)
    {
        var anchor = FindAnchor(body.GetProperty("trustAnchorId").GetString()!);
        var events = body.GetProperty("notificationSettingKeys").EnumerateArray().Select(k => k.GetProperty("event").GetString()!).ToHashSet();
        var settings = anchor.NotificationSettings.Select(s => events.Contains(s.Event) ? FakeNotificationSetting.Defaults.Single(d => d.Event == s.Event) : s);
        return _trustAnchors[anchor.Id] = anchor with { NotificationSettings = [.. settings] };
    }

    private FakeProfile FindProfile(Dictionary<string, string> labels) =>
        _profiles.TryGetValue(labels["profileId"], out var profile) ? profile : throw NotFound();

    private FakeTrustAnchor FindAnchor(string id) => _trustAnchors.TryGetValue(id, out var anchor) ? anchor : throw NotFound();

    private static ServiceError NotFound() => new(404, "ResourceNotFoundException", "Resource not found.");

    private static JsonObject ProfileAnswer(FakeProfile profile) => new() { ["profile"] = ProfileJson(profile) };

    private static JsonObject AnchorAnswer(FakeTrustAnchor anchor) => new() { ["trustAnchor"] = TrustAnchorJson(anchor) };

    private static JsonObject NotificationJson(FakeNotificationSetting setting) => new()
    {
        ["enabled"] = setting.Enabled,
        ["event"] = setting.Event,
        ["threshold"] = setting.Threshold,
        ["channel"] = setting.Channel,
        ["configuredBy"] = setting.ConfiguredBy,
    };
}
