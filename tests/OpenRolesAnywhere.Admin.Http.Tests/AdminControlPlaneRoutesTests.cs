using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace OpenRolesAnywhere.Admin.Http.Tests;

/// <summary>Profile settings, attribute mappings, notification settings and trust anchors over the admin routes.</summary>
public sealed partial class AdminEndpointsTests
{
    private const string Policy = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}""";

    [Fact]
    public async Task ProfileRoutes_CreateUpdateShowMappings_AsTheCommandsDo()
    {
        await CreateCaAsync();
        using var created = await SendAsync(HttpMethod.Post, "/admin/profiles", Json(new
        {
            name = "HttpProfile", roleArns = new[] { RoleArn }, sessionPolicy = Policy, managedPolicyArns = new[] { "arn:aws:iam::aws:policy/ReadOnlyAccess" },
            acceptRoleSessionName = true, requireInstanceProperties = true,
        }));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var arn = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("arn").GetString()!;

        using var updated = await SendAsync(HttpMethod.Patch, "/admin/profiles/HttpProfile", Json(new { sessionDuration = "30m", enabled = false }));
        var updatedBody = await updated.Content.ReadFromJsonAsync<JsonElement>();
        using var mapped = await SendAsync(HttpMethod.Put, $"/admin/profiles/{Uri.EscapeDataString(arn)}/mappings", Json(new { certificateField = "subject", specifiers = new[] { "CN", "OU" } }));
        using var unmapped = await SendAsync(HttpMethod.Delete, "/admin/profiles/HttpProfile/mappings?certificateField=subject&specifier=OU");
        using var shown = await SendAsync(HttpMethod.Get, $"/admin/profiles/{Uri.EscapeDataString(arn)}");
        var shownBody = await shown.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.Equal(1800, updatedBody.GetProperty("profile").GetProperty("durationSeconds").GetInt32());
        Assert.False(updatedBody.GetProperty("profile").GetProperty("enabled").GetBoolean());
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK), (mapped.StatusCode, unmapped.StatusCode, shown.StatusCode));
        var subject = shownBody.GetProperty("attributeMappings").EnumerateArray().Single(m => m.GetProperty("certificateField").GetString() == "x509Subject");
        Assert.Equal(["CN"], subject.GetProperty("specifiers").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(Policy, shownBody.GetProperty("sessionPolicy").GetString());
        Assert.True(shownBody.GetProperty("acceptRoleSessionName").GetBoolean());
        Assert.True(shownBody.GetProperty("requireInstanceProperties").GetBoolean());
        var fake = Assert.Single(_controlPlane.Profiles);
        Assert.Equal((1800, false), (fake.DurationSeconds, fake.Enabled));
        Assert.Equal(["CN"], fake.AttributeMappings["x509Subject"]);
    }

    [Fact]
    public async Task ProfileRoutes_UnknownProfile_404Problem()
    {
        await CreateCaAsync();

        using var response = await SendAsync(HttpMethod.Patch, "/admin/profiles/Nope", Json(new { sessionDuration = "1h" }));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("no profile named 'Nope'", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(_controlPlane.Calls, c => c.Operation == "UpdateProfile");
    }

    [Fact]
    public async Task ProfileRoutes_SessionPolicyNotJson_400ProblemNamingTheFieldNoCliFlag()
    {
        using var response = await SendAsync(HttpMethod.Patch, "/admin/profiles/Any", Json(new { sessionPolicy = "{\"Statement\": [" }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var detail = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!;
        Assert.StartsWith("session policy is not valid JSON", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("--", detail, StringComparison.Ordinal);
        Assert.Empty(_controlPlane.Calls);
    }

    [Fact]
    public async Task TrustAnchorRoutes_NotificationsEnableDisableDelete_AsTheCommandsDo()
    {
        var anchorArn = await CreateCaAsync();
        var anchor = Uri.EscapeDataString(anchorArn);

        using var tooFar = await SendAsync(HttpMethod.Put, $"/admin/trust-anchors/{anchor}/notifications", Json(new { @event = "end-entity", thresholdDays = 400 }));
        using var put = await SendAsync(HttpMethod.Put, $"/admin/trust-anchors/{anchor}/notifications", Json(new { @event = "ca", thresholdDays = 30 }));
        var afterPut = _controlPlane.TrustAnchors.Single().NotificationSettings.Single(s => s.Event == "CA_CERTIFICATE_EXPIRY").Threshold;
        using var reset = await SendAsync(HttpMethod.Delete, $"/admin/trust-anchors/{anchor}/notifications?event=ca");
        using var disabled = await SendAsync(HttpMethod.Post, "/admin/trust-anchors/HttpCA/disable");
        var afterDisable = _controlPlane.TrustAnchors.Single().Enabled;
        using var list = await SendAsync(HttpMethod.Get, "/admin/trust-anchors");
        using var refused = await SendAsync(HttpMethod.Delete, $"/admin/trust-anchors/{anchor}");
        using var deleted = await SendAsync(HttpMethod.Delete, $"/admin/trust-anchors/{anchor}?force=true");

        Assert.Equal(HttpStatusCode.BadRequest, tooFar.StatusCode);
        Assert.Contains("threshold days must be 1 to 360", (await tooFar.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(30, afterPut);
        var resetCa = (await reset.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("notificationSettings").EnumerateArray()
            .Single(s => s.GetProperty("event").GetString() == "CA_CERTIFICATE_EXPIRY");
        Assert.Equal(45, resetCa.GetProperty("thresholdDays").GetInt32());
        Assert.Equal(HttpStatusCode.OK, disabled.StatusCode);
        Assert.False(afterDisable);
        var listed = Assert.Single((await list.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray());
        Assert.Equal(anchorArn, listed.GetProperty("trustAnchor").GetProperty("arn").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.Empty(_controlPlane.TrustAnchors);
    }

    private async Task<string> CreateCaAsync()
    {
        var key = _kms.AddKey();
        using var ca = await SendAsync(HttpMethod.Post, "/admin/ca", Json(new { name = "HttpCA", kmsKeyId = key.Id, validityDuration = "8760h", subject = new { commonName = "Root" } }));
        Assert.Equal(HttpStatusCode.Created, ca.StatusCode);
        return (await ca.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("trustAnchorArn").GetString()!;
    }
}
