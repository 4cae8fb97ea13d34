using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using OpenRolesAnywhere.CertificateAuthority.ControlPlane;
using OpenRolesAnywhere.CertificateAuthority.Tests.Support;
using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.Core.SigV4;
using OpenRolesAnywhere.TestCommon.FakeRolesAnywhereControlPlane;

namespace OpenRolesAnywhere.CertificateAuthority.Tests.ControlPlane;

public sealed class ControlPlaneTests : AdminHarnessTest
{
    [Fact]
    public async Task CreateProfile_Valid_ProfileAsRequestedAndRemembered()
    {
        var profile = await Harness.Admin().CreateProfileAsync(
            new CreateProfileRequest("SomeProfile", [AdminHarness.RoleArn, "arn:aws:iam::123456789012:role/Another"], TimeSpan.FromSeconds(3600)), CancellationToken.None);

        var created = Assert.Single(Harness.ControlPlane.Profiles);
        Assert.Equal(created.Arn, profile.Arn);
        Assert.Equal(["arn:aws:iam::123456789012:role/workload", "arn:aws:iam::123456789012:role/Another"], created.RoleArns);
        Assert.Equal(3600, created.DurationSeconds);
        Assert.True(created.Enabled);
        Assert.Equal("SomeProfile", created.Tags["Name"]);
        Assert.Equal(new State.ProfileRecord("SomeProfile", profile.Arn), Assert.Single(Harness.Store.Load().Profiles));
    }

    [Theory]
    [InlineData("P", new[] { "arn:aws:iam::123456789012:user/bob" }, 3600, "--role-arn")]
    [InlineData("P", new[] { "not-an-arn" }, 3600, "--role-arn")]
    [InlineData("P", new string[0], 3600, "--role-arn")]
    [InlineData("P", new[] { AdminHarness.RoleArn }, 600, "--session-duration")]
    [InlineData("P", new[] { AdminHarness.RoleArn }, 50000, "--session-duration")]
    [InlineData("a/b", new[] { AdminHarness.RoleArn }, 3600, "--name")]
    public async Task CreateProfile_BadInput_RefusedBeforeAnyCall(string name, string[] roles, int seconds, string flag)
    {
        var error = await Assert.ThrowsAsync<CredentialException>(() => Harness.Admin().CreateProfileAsync(
            new CreateProfileRequest(name, roles, TimeSpan.FromSeconds(seconds)), CancellationToken.None));

        Assert.Equal(CredentialErrorKind.InvalidInput, error.Kind);
        Assert.Contains(flag, error.Message, StringComparison.Ordinal);
        Assert.Empty(Harness.ControlPlane.Calls);
    }

    [Fact]
    public async Task List_MorePagesThanOne_FollowsNextToken()
    {
        Harness.ControlPlane.MaxPageSize = 1;
        await Harness.CreateCaWithProfileAsync();
        await Harness.Admin().CreateProfileAsync(new CreateProfileRequest("Second", [AdminHarness.RoleArn], TimeSpan.FromHours(1)), CancellationToken.None);
        await Harness.Admin().CreateProfileAsync(new CreateProfileRequest("Third", [AdminHarness.RoleArn], TimeSpan.FromHours(1)), CancellationToken.None);

        var (anchors, profiles) = await Harness.Admin().ListAsync(CancellationToken.None);

        Assert.Equal(["TestCA"], anchors.Select(a => a.Name));
        Assert.Equal("CERTIFICATE_BUNDLE", anchors[0].SourceType);
        Assert.Equal(["TestProfile", "Second", "Third"], profiles.Select(p => p.Name));
        Assert.All(profiles, p => Assert.Equal([AdminHarness.RoleArn], p.RoleArns));
        Assert.Equal(3, Harness.ControlPlane.Calls.Count(c => c.Operation == "ListProfiles"));
        Assert.Contains(Harness.ControlPlane.Calls, c => c.Operation == "ListProfiles" && c.Query.Contains("nextToken=2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnyCall_WrongSecret_RefusedByTheSignatureCheck()
    {
        var admin = Harness.Admin(Harness.Settings(new BasicAWSCredentials(AdminHarness.AccessKeyId, "wrong-secret")));

        var error = await Assert.ThrowsAsync<CredentialException>(() => admin.ListAsync(CancellationToken.None));

        Assert.Equal(CredentialErrorKind.AccessDenied, error.Kind);
        Assert.Contains("does not accept these AWS credentials", error.Message, StringComparison.Ordinal);
        Assert.Contains("signature we calculated does not match", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnyCall_SessionCredentials_TokenSentAndSigned()
    {
        await using var withToken = await FakeRolesAnywhereControlPlaneServer.StartAsync(AdminHarness.Region, "ASIATEMPORARY0001", "temporary-secret", "the-session-token");
        var settings = Harness.Settings(new SessionAWSCredentials("ASIATEMPORARY0001", "temporary-secret", "the-session-token")) with
        {
            RolesAnywhereEndpoint = withToken.Endpoint.ToString(),
        };
        var withoutToken = Harness.Settings(new BasicAWSCredentials("ASIATEMPORARY0001", "temporary-secret")) with
        {
            RolesAnywhereEndpoint = withToken.Endpoint.ToString(),
        };

        var (anchors, _) = await Harness.Admin(settings).ListAsync(CancellationToken.None);
        var error = await Assert.ThrowsAsync<CredentialException>(() => Harness.Admin(withoutToken).ListAsync(CancellationToken.None));

        Assert.Empty(anchors);
        Assert.Equal(CredentialErrorKind.AccessDenied, error.Kind);
    }

    [Fact]
    public async Task AnyCall_Throttled_RetriedAndThenServed()
    {
        Harness.ControlPlane.FailNext("ListTrustAnchors", 429, "ThrottlingException", "Rate exceeded");

        var (anchors, _) = await Harness.Admin().ListAsync(CancellationToken.None);

        Assert.Empty(anchors);
        Assert.Equal([429, 200], Harness.ControlPlane.Calls.Where(c => c.Operation == "ListTrustAnchors").Select(c => c.Status));
    }

    [Theory]
    [InlineData(400, "ValidationException", CredentialErrorKind.InvalidInput, "rejected CreateProfile as invalid")]
    [InlineData(403, "AccessDeniedException", CredentialErrorKind.AccessDenied, "rolesanywhere:CreateProfile")]
    public async Task CreateProfile_ServiceRefuses_ErrorSaysWhatAwsSaid(int status, string type, CredentialErrorKind kind, string expected)
    {
        Harness.ControlPlane.FailNext("CreateProfile", status, type, "the reason AWS gave");

        var error = await Assert.ThrowsAsync<CredentialException>(() => Harness.Admin().CreateProfileAsync(
            new CreateProfileRequest("P", [AdminHarness.RoleArn], TimeSpan.FromHours(1)), CancellationToken.None));

        Assert.Equal(kind, error.Kind);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains("the reason AWS gave", error.Message, StringComparison.Ordinal);
        Assert.Empty(Harness.Store.Load().Profiles);
    }

    [Fact]
    public async Task AnyCall_EndpointUnreachable_NetworkErrorNamingTheEndpoint()
    {
        var settings = Harness.Settings() with { RolesAnywhereEndpoint = "http://127.0.0.1:9" };
        var client = new RolesAnywhereControlPlaneClient(Harness.Http, new Uri("http://127.0.0.1:9"), AdminHarness.Region, settings.Credentials!, TimeProvider.System,
            new Core.Aws.RetryPolicy(1, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.FromSeconds(5)));

        var error = await Assert.ThrowsAsync<CredentialException>(() => client.ListProfilesAsync(CancellationToken.None));

        Assert.Equal(CredentialErrorKind.Network, error.Kind);
        Assert.Contains("127.0.0.1:9", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_ServerRepeatsItsNextToken_StopsWithAnError()
    {
        using var http = new HttpClient(new RepeatingTokenHandler());
        var client = new RolesAnywhereControlPlaneClient(http, new Uri("http://127.0.0.1:1"), AdminHarness.Region,
            new BasicAWSCredentials(AdminHarness.AccessKeyId, AdminHarness.SecretAccessKey), TimeProvider.System);

        var error = await Assert.ThrowsAsync<CredentialException>(() => client.ListProfilesAsync(CancellationToken.None));

        Assert.Contains("nextToken it had given before", error.Message, StringComparison.Ordinal);
    }

    // The double must refuse what AWS refuses; these drive it directly, without our client's own checks.
    [Fact]
    public async Task FakeControlPlane_RequestBreakingTheModel_ValidationExceptionListingEachBreak()
    {
        var body = new JsonObject
        {
            ["name"] = "bad.name",
            ["roleArns"] = new JsonArray("arn:aws:iam::123456789012:user/bob"),
            ["durationSeconds"] = 60,
            ["bogus"] = true,
        };

        var (status, type, message) = await SendRawAsync(HttpMethod.Post, "/profiles", body);

        Assert.Equal((HttpStatusCode.BadRequest, "ValidationException"), (status, type));
        Assert.Contains("'bad.name' at 'name' failed to satisfy constraint", message, StringComparison.Ordinal);
        Assert.Contains("at 'roleArns.1.member'", message, StringComparison.Ordinal);
        Assert.Contains("greater than or equal to 900", message, StringComparison.Ordinal);
        Assert.Contains("'bogus' is not a member", message, StringComparison.Ordinal);
        Assert.Empty(Harness.ControlPlane.Profiles);
    }

    [Fact]
    public async Task FakeControlPlane_MissingRequiredOrTwoUnionMembers_Refused()
    {
        var (_, missingType, missing) = await SendRawAsync(HttpMethod.Post, "/profiles", new JsonObject { ["name"] = "P" });
        var (_, unionType, union) = await SendRawAsync(HttpMethod.Post, "/trustanchors", new JsonObject
        {
            ["name"] = "A",
            ["source"] = new JsonObject
            {
                ["sourceType"] = "CERTIFICATE_BUNDLE",
                ["sourceData"] = new JsonObject { ["x509CertificateData"] = "x", ["acmPcaArn"] = "y" },
            },
        });

        Assert.Equal(("ValidationException", "ValidationException"), (missingType, unionType));
        Assert.Contains("at 'roleArns' failed to satisfy constraint: Member must not be null", missing, StringComparison.Ordinal);
        Assert.Contains("exactly one member", union, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FakeControlPlane_TrustAnchorNotACa_Refused()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=leaf", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        using var leaf = request.CreateSelfSigned(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(1));

        var (status, type, message) = await SendRawAsync(HttpMethod.Post, "/trustanchors", new JsonObject
        {
            ["name"] = "A",
            ["source"] = new JsonObject { ["sourceType"] = "CERTIFICATE_BUNDLE", ["sourceData"] = new JsonObject { ["x509CertificateData"] = leaf.ExportCertificatePem() } },
        });

        Assert.Equal((HttpStatusCode.BadRequest, "ValidationException"), (status, type));
        Assert.Contains("must be a CA certificate", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FakeControlPlane_CrlNotSignedByTheTrustAnchor_Refused()
    {
        var (_, ca, _) = await Harness.CreateCaWithProfileAsync();
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var root = Harness.LoadCa();
        var foreign = new CertificateRevocationListBuilder().Build(root.SubjectName, X509SignatureGenerator.CreateForECDsa(otherKey), 1,
            DateTimeOffset.UtcNow.AddDays(1), HashAlgorithmName.SHA256, X509AuthorityKeyIdentifierExtension.CreateFromCertificate(root, true, false));

        var (status, _, message) = await SendRawAsync(HttpMethod.Post, "/crls", new JsonObject
        {
            ["name"] = "crl",
            ["crlData"] = Convert.ToBase64String(foreign),
            ["trustAnchorArn"] = ca.TrustAnchorArn,
        });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("does not verify with the trust anchor's public key", message, StringComparison.Ordinal);
        Assert.Empty(Harness.ControlPlane.Crls);
    }

    [Fact]
    public async Task FakeControlPlane_UnsignedRequest_Refused()
    {
        using var response = await Harness.Http.GetAsync(new Uri(Harness.ControlPlane.Endpoint, "/trustanchors"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("MissingAuthenticationTokenException", response.Headers.GetValues("X-Amzn-ErrorType").Single());
    }

    [Theory]
    [InlineData(0, "greater than or equal to 1")]
    [InlineData(361, "less than or equal to 360")]
    public async Task FakeControlPlane_NotificationThresholdOutOfRange_Refused(int days, string expected)
    {
        var (_, ca, _) = await Harness.CreateCaWithProfileAsync();
        var id = ca.TrustAnchorArn[(ca.TrustAnchorArn.LastIndexOf('/') + 1)..];

        var (status, type, message) = await SendRawAsync(HttpMethod.Patch, "/put-notifications-settings", new JsonObject
        {
            ["trustAnchorId"] = id,
            ["notificationSettings"] = new JsonArray(new JsonObject { ["enabled"] = true, ["event"] = "CA_CERTIFICATE_EXPIRY", ["threshold"] = days }),
        });

        Assert.Equal((HttpStatusCode.BadRequest, "ValidationException"), (status, type));
        Assert.Contains($"at 'notificationSettings.1.member.threshold' failed to satisfy constraint: Member must have value {expected}", message, StringComparison.Ordinal);
        Assert.Equal(45, Harness.ControlPlane.TrustAnchors.Single().NotificationSettings.Single(s => s.Event == "CA_CERTIFICATE_EXPIRY").Threshold);
    }

    [Fact]
    public async Task FakeControlPlane_BadMappingFieldOrSessionPolicy_Refused()
    {
        var (_, _, profileArn) = await Harness.CreateCaWithProfileAsync();
        var id = profileArn[(profileArn.LastIndexOf('/') + 1)..];

        var (_, fieldType, field) = await SendRawAsync(HttpMethod.Put, $"/profiles/{id}/mappings", new JsonObject
        {
            ["certificateField"] = "x509Extensions",
            ["mappingRules"] = new JsonArray(new JsonObject { ["specifier"] = "CN" }),
        });
        var (policyStatus, policyType, policy) = await SendRawAsync(HttpMethod.Patch, $"/profile/{id}", new JsonObject { ["sessionPolicy"] = "{not json" });
        var (missingStatus, missingType, _) = await SendRawAsync(HttpMethod.Patch, $"/profile/{Guid.NewGuid()}", new JsonObject { ["durationSeconds"] = 900 });

        Assert.Equal("ValidationException", fieldType);
        Assert.Contains("Member must satisfy enum value set: [x509Subject, x509Issuer, x509SAN]", field, StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.BadRequest, "ValidationException"), (policyStatus, policyType));
        Assert.Contains("session policy", policy, StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.NotFound, "ResourceNotFoundException"), (missingStatus, missingType));
        Assert.Null(Harness.ControlPlane.Profiles.Single().SessionPolicy);
    }

    /// <summary>A correctly signed request with whatever body the test wants, past our client's own checks.</summary>
    private async Task<(HttpStatusCode Status, string? Type, string Message)> SendRawAsync(HttpMethod method, string path, JsonObject body)
    {
        var endpoint = Harness.ControlPlane.Endpoint;
        var payload = Encoding.UTF8.GetBytes(body.ToJsonString());
        var signable = new SignableRequest(method.Method, path)
            .AddHeader("Host", $"{endpoint.Host}:{endpoint.Port}")
            .AddHeader("Content-Type", "application/json")
            .SetBody(payload);
        var signature = HmacSigner.SignHeaders(signable, new AwsCredentials(AdminHarness.AccessKeyId, AdminHarness.SecretAccessKey),
            new CredentialScope(DateTimeOffset.UtcNow, AdminHarness.Region, "rolesanywhere"));
        using var message = new HttpRequestMessage(method, new Uri(endpoint, path));
        message.Headers.TryAddWithoutValidation("X-Amz-Date", signable.Headers.Single(h => h.Key == "X-Amz-Date").Value);
        message.Headers.TryAddWithoutValidation("Authorization", signature.AuthorizationHeader);
        message.Content = new ByteArrayContent(payload);
        message.Content.Headers.ContentType = new("application/json");
        using var response = await Harness.Http.SendAsync(message);
        var type = response.Headers.TryGetValues("X-Amzn-ErrorType", out var values) ? values.Single() : null;
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, type, answer?["message"]?.GetValue<string>() ?? "");
    }

    /// <summary>A broken server that always says there is one more page, with the same token.</summary>
    private sealed class RepeatingTokenHandler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("{\"profiles\":[],\"nextToken\":\"again\"}") });
    }
}
