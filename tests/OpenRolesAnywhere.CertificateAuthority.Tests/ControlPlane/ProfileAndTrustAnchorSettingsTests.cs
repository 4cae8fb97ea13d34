using OpenRolesAnywhere.CertificateAuthority.ControlPlane;
using OpenRolesAnywhere.CertificateAuthority.State;
using OpenRolesAnywhere.CertificateAuthority.Tests.Support;
using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.TestCommon.FakeRolesAnywhereControlPlane;

namespace OpenRolesAnywhere.CertificateAuthority.Tests.ControlPlane;

/// <summary>Profile settings, attribute mappings, notification settings and trust anchors, against the model-checking fake.</summary>
public sealed class ProfileAndTrustAnchorSettingsTests : AdminHarnessTest
{
    private const string Policy = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}""";
    private const string ManagedPolicy = "arn:aws:iam::aws:policy/ReadOnlyAccess";

    private CaContext Context => Harness.Admin().Context;

    [Fact]
    public async Task CreateProfile_WithSettings_ProfileHoldsThem()
    {
        var request = new CreateProfileRequest("Tuned", [AdminHarness.RoleArn], TimeSpan.FromHours(2))
        {
            Settings = new ProfileSettings { SessionPolicy = Policy, ManagedPolicyArns = [ManagedPolicy], AcceptRoleSessionName = true },
            RequireInstanceProperties = true,
            Enabled = false,
        };

        await new CreateProfile(Context).RunAsync(request, CancellationToken.None);

        var profile = Assert.Single(Harness.ControlPlane.Profiles);
        Assert.Equal((Policy, true, true, false, 7200), (profile.SessionPolicy, profile.AcceptRoleSessionName, profile.RequireInstanceProperties, profile.Enabled, profile.DurationSeconds));
        Assert.Equal([ManagedPolicy], profile.ManagedPolicyArns);
    }

    [Fact]
    public async Task UpdateProfile_ByName_ChangesOnlyWhatWasGiven()
    {
        await Harness.CreateCaWithProfileAsync();

        var detail = await new UpdateProfile(Context).RunAsync(new UpdateProfileRequest("TestProfile")
        {
            SessionDuration = TimeSpan.FromMinutes(30),
            Settings = new ProfileSettings { SessionPolicy = Policy, AcceptRoleSessionName = true },
        }, CancellationToken.None);

        var profile = Assert.Single(Harness.ControlPlane.Profiles);
        Assert.Equal((1800, Policy, true), (profile.DurationSeconds, profile.SessionPolicy, profile.AcceptRoleSessionName));
        Assert.Equal([AdminHarness.RoleArn], profile.RoleArns);
        Assert.Empty(profile.ManagedPolicyArns);
        Assert.Equal((1800, Policy, true), (detail.Profile.DurationSeconds, detail.SessionPolicy, detail.AcceptRoleSessionName));
        Assert.DoesNotContain(Harness.ControlPlane.Calls, c => c.Operation is "EnableProfile" or "DisableProfile");
    }

    [Fact]
    public async Task UpdateProfile_DisableThenEnable_ProfileFollowsByArn()
    {
        var (_, _, profileArn) = await Harness.CreateCaWithProfileAsync();

        var disabled = await new UpdateProfile(Context).RunAsync(new UpdateProfileRequest(profileArn) { Enabled = false }, CancellationToken.None);
        var stateAfterDisable = Harness.ControlPlane.Profiles.Single().Enabled;
        var enabled = await new UpdateProfile(Context).RunAsync(new UpdateProfileRequest(profileArn) { Enabled = true }, CancellationToken.None);

        Assert.False(disabled.Profile.Enabled);
        Assert.False(stateAfterDisable);
        Assert.True(enabled.Profile.Enabled);
        Assert.True(Harness.ControlPlane.Profiles.Single().Enabled);
        Assert.DoesNotContain(Harness.ControlPlane.Calls, c => c.Operation == "UpdateProfile");
    }

    [Fact]
    public async Task UpdateProfile_UnknownName_NotFoundNamingTheFlagAndNothingUpdated()
    {
        await Harness.CreateCaWithProfileAsync();

        var error = await Assert.ThrowsAsync<CredentialException>(() => new UpdateProfile(Context).RunAsync(
            new UpdateProfileRequest("NoSuchProfile") { SessionDuration = TimeSpan.FromHours(1) }, CancellationToken.None));

        Assert.Equal(CredentialErrorKind.NotFound, error.Kind);
        Assert.Contains("no profile named 'NoSuchProfile'", error.Message, StringComparison.Ordinal);
        Assert.Contains("--profile", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Harness.ControlPlane.Calls, c => c.Operation == "UpdateProfile");
    }

    [Fact]
    public async Task ShowProfile_UnknownId_NotFoundAsAwsAnswers()
    {
        await Harness.CreateCaWithProfileAsync();

        var error = await Assert.ThrowsAsync<CredentialException>(() => new ShowProfile(Context).RunAsync(Guid.NewGuid().ToString(), CancellationToken.None));

        Assert.Equal(CredentialErrorKind.NotFound, error.Kind);
        var call = Harness.ControlPlane.Calls[^1];
        Assert.Equal(("GetProfile", 404, "ResourceNotFoundException"), (call.Operation, call.Status, call.ErrorType));
    }

    [Theory]
    [InlineData("{not json", "is not valid JSON")]
    [InlineData("[1, 2]", "not an IAM policy document")]
    [InlineData("""{"Version":"2012-10-17"}""", "not an IAM policy document")]
    [InlineData("", "1 to 100000 characters")]
    public async Task UpdateProfile_BadSessionPolicy_RefusedBeforeAnyCall(string policy, string expected)
    {
        var error = await Assert.ThrowsAsync<CredentialException>(() => new UpdateProfile(Context).RunAsync(
            new UpdateProfileRequest("TestProfile") { Settings = new ProfileSettings { SessionPolicy = policy } }, CancellationToken.None));

        Assert.Equal(CredentialErrorKind.InvalidInput, error.Kind);
        Assert.Contains("--session-policy", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Empty(Harness.ControlPlane.Calls);
    }

    [Theory]
    [InlineData("arn:aws:iam::123456789012:role/NotAPolicy", "--managed-policy-arn")]
    [InlineData("ReadOnlyAccess", "--managed-policy-arn")]
    public async Task UpdateProfile_ManagedPolicyNotAPolicyArn_RefusedBeforeAnyCall(string arn, string flag)
    {
        var error = await Assert.ThrowsAsync<CredentialException>(() => new UpdateProfile(Context).RunAsync(
            new UpdateProfileRequest("TestProfile") { Settings = new ProfileSettings { ManagedPolicyArns = [arn] } }, CancellationToken.None));

        Assert.Equal(CredentialErrorKind.InvalidInput, error.Kind);
        Assert.Contains(flag, error.Message, StringComparison.Ordinal);
        Assert.Empty(Harness.ControlPlane.Calls);
    }

    [Fact]
    public async Task UpdateProfile_NothingToChange_RefusedListingTheFlags()
    {
        var error = await Assert.ThrowsAsync<CredentialException>(() => new UpdateProfile(Context).RunAsync(new UpdateProfileRequest("TestProfile"), CancellationToken.None));

        Assert.Equal(CredentialErrorKind.InvalidInput, error.Kind);
        Assert.Contains("Nothing to change", error.Message, StringComparison.Ordinal);
        Assert.Contains("--session-policy", error.Message, StringComparison.Ordinal);
        Assert.Empty(Harness.ControlPlane.Calls);
    }

    [Fact]
    public async Task AttributeMapping_PutDeleteShow_EffectiveMappingAsTheFakeHoldsIt()
    {
        await Harness.CreateCaWithProfileAsync();
        var defaults = await new ShowProfile(Context).RunAsync("TestProfile", CancellationToken.None);

        var put = await new PutAttributeMapping(Context).RunAsync(new AttributeMappingRequest("TestProfile", "subject", ["CN", "OU"]), CancellationToken.None);
        var removedOu = await new DeleteAttributeMapping(Context).RunAsync(new AttributeMappingRequest("TestProfile", "subject", ["OU"]), CancellationToken.None);
        await new DeleteAttributeMapping(Context).RunAsync(new AttributeMappingRequest("TestProfile", "san", []), CancellationToken.None);
        var shown = await new ShowProfile(Context).RunAsync("TestProfile", CancellationToken.None);

        Assert.Equal(["*"], defaults.AttributeMappings.Single(m => m.CertificateField == "x509Subject").Specifiers);
        Assert.Equal(["CN", "OU"], put.AttributeMappings.Single(m => m.CertificateField == "x509Subject").Specifiers);
        Assert.Equal(["CN"], removedOu.AttributeMappings.Single(m => m.CertificateField == "x509Subject").Specifiers);
        Assert.Equal(["x509Issuer", "x509Subject"], shown.AttributeMappings.Select(m => m.CertificateField).Order(StringComparer.Ordinal));
        Assert.Equal(["CN"], Harness.ControlPlane.Profiles.Single().AttributeMappings["x509Subject"]);
        Assert.Contains(Harness.ControlPlane.Calls, c => c.Operation == "DeleteAttributeMapping" && c.Query.Contains("specifiers=OU", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DeleteAttributeMapping_SeveralSpecifiers_RepeatedQuerySignedAndAllRemoved()
    {
        await Harness.CreateCaWithProfileAsync();
        await new PutAttributeMapping(Context).RunAsync(new AttributeMappingRequest("TestProfile", "issuer", ["CN", "OU", "O"]), CancellationToken.None);

        var left = await new DeleteAttributeMapping(Context).RunAsync(new AttributeMappingRequest("TestProfile", "issuer", ["OU", "O"]), CancellationToken.None);

        Assert.Equal(["CN"], left.AttributeMappings.Single(m => m.CertificateField == "x509Issuer").Specifiers);
        Assert.Equal(["CN"], Harness.ControlPlane.Profiles.Single().AttributeMappings["x509Issuer"]);
        var call = Harness.ControlPlane.Calls.Single(c => c.Operation == "DeleteAttributeMapping");
        Assert.Equal(200, call.Status);
        Assert.Contains("specifiers=OU", call.Query, StringComparison.Ordinal);
        Assert.Contains("specifiers=O&", call.Query + "&", StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("extensions", new[] { "CN" }, "--certificate-field")]
    [InlineData("subject", new string[0], "--specifier")]
    [InlineData("subject", new[] { "C N" }, "--specifier")]
    public async Task PutAttributeMapping_BadInput_RefusedBeforeAnyCall(string field, string[] specifiers, string flag)
    {
        var error = await Assert.ThrowsAsync<CredentialException>(() => new PutAttributeMapping(Context).RunAsync(
            new AttributeMappingRequest("TestProfile", field, specifiers), CancellationToken.None));

        Assert.Equal(CredentialErrorKind.InvalidInput, error.Kind);
        Assert.Contains(flag, error.Message, StringComparison.Ordinal);
        Assert.Empty(Harness.ControlPlane.Calls);
    }

    [Fact]
    public async Task Notifications_PutThenReset_OnThisCasTrustAnchorByDefault()
    {
        await Harness.CreateCaWithProfileAsync();

        var put = await new PutNotificationSettings(Context).RunAsync(new NotificationSettingsRequest(null, "ca", true, 30), CancellationToken.None);
        var afterPut = Harness.ControlPlane.TrustAnchors.Single().NotificationSettings;
        var off = await new PutNotificationSettings(Context).RunAsync(new NotificationSettingsRequest(null, "end-entity", false, null), CancellationToken.None);
        var reset = await new ResetNotificationSettings(Context).RunAsync(null, ["ca"], CancellationToken.None);

        Assert.Equal((30, FakeRolesAnywhereControlPlaneServer.Account), afterPut.Where(s => s.Event == "CA_CERTIFICATE_EXPIRY").Select(s => (s.Threshold!.Value, s.ConfiguredBy)).Single());
        Assert.Equal(30, put.NotificationSettings.Single(s => s.Event == "CA_CERTIFICATE_EXPIRY").ThresholdDays);
        Assert.False(off.NotificationSettings.Single(s => s.Event == "END_ENTITY_CERTIFICATE_EXPIRY").Enabled);
        var ca = reset.NotificationSettings.Single(s => s.Event == "CA_CERTIFICATE_EXPIRY");
        Assert.Equal((45, FakeNotificationSetting.ByService), (ca.ThresholdDays!.Value, ca.ConfiguredBy));
        Assert.False(reset.NotificationSettings.Single(s => s.Event == "END_ENTITY_CERTIFICATE_EXPIRY").Enabled);
    }

    [Theory]
    [InlineData("ca", true, 0, "--threshold-days")]
    [InlineData("ca", true, 361, "--threshold-days")]
    [InlineData("ca", true, null, "--threshold-days")]
    [InlineData("crl", true, 30, "--event")]
    public async Task Notifications_BadInput_RefusedBeforeAnyCall(string notificationEvent, bool enabled, int? days, string flag)
    {
        var error = await Assert.ThrowsAsync<CredentialException>(() => new PutNotificationSettings(Context).RunAsync(
            new NotificationSettingsRequest(null, notificationEvent, enabled, days), CancellationToken.None));

        Assert.Equal(CredentialErrorKind.InvalidInput, error.Kind);
        Assert.Contains(flag, error.Message, StringComparison.Ordinal);
        Assert.Empty(Harness.ControlPlane.Calls);
    }

    [Fact]
    public async Task Notifications_NoCaHereAndNoAnchorGiven_RefusedSayingWhatToGive()
    {
        var error = await Assert.ThrowsAsync<CredentialException>(() => new ResetNotificationSettings(Context).RunAsync(null, [], CancellationToken.None));

        Assert.Equal(CredentialErrorKind.InvalidInput, error.Kind);
        Assert.Contains("--trust-anchor", error.Message, StringComparison.Ordinal);
        Assert.Empty(Harness.ControlPlane.Calls);
    }

    [Fact]
    public async Task Rollover_NewCaElsewhereThenOldAnchorDeleted_OnlyTheNewAnchorLeft()
    {
        var (_, oldCa, _) = await Harness.CreateCaWithProfileAsync();
        var newStore = new CaStateStore(Harness.Config.File("new-ca"));
        var newContext = new CaContext(newStore, Harness.Settings(), TimeProvider.System, Harness.Http, label: AdminHarness.FlagLabel);
        var newKey = Harness.Kms.AddKey("ECC_NIST_P256");
        var newCa = await new CreateCa(newContext).RunAsync(
            new CreateCaRequest("NewCA", newKey.Id, TimeSpan.FromDays(365), new CertificateAuthority.Issuing.SubjectName("New Root")), CancellationToken.None);

        var bothTrusted = await new ListTrustAnchors(newContext).RunAsync(CancellationToken.None);
        var ownRefused = await Assert.ThrowsAsync<CredentialException>(() => new DeleteTrustAnchor(Context).RunAsync(oldCa.TrustAnchorArn, false, CancellationToken.None));
        var deleted = await new DeleteTrustAnchor(newContext).RunAsync("TestCA", false, CancellationToken.None);

        Assert.Equal(["TestCA", "NewCA"], bothTrusted.Select(a => a.TrustAnchor.Name));
        Assert.All(bothTrusted, a => Assert.True(a.TrustAnchor.Enabled));
        Assert.Contains("this CA's own", ownRefused.Message, StringComparison.Ordinal);
        Assert.Equal(oldCa.TrustAnchorArn, deleted.TrustAnchor.Arn);
        Assert.Equal([newCa.TrustAnchorArn], Harness.ControlPlane.TrustAnchors.Select(a => a.Arn));
    }

    [Fact]
    public async Task TrustAnchor_DisableEnableAndForcedDeleteOfOwn_StateFollows()
    {
        var (_, ca, _) = await Harness.CreateCaWithProfileAsync();

        var disabled = await new SetTrustAnchorEnabled(Context).RunAsync(null, false, CancellationToken.None);
        var afterDisable = Harness.ControlPlane.TrustAnchors.Single().Enabled;
        var enabled = await new SetTrustAnchorEnabled(Context).RunAsync(ca.TrustAnchorArn, true, CancellationToken.None);
        await new DeleteTrustAnchor(Context).RunAsync("TestCA", true, CancellationToken.None);

        Assert.False(disabled.TrustAnchor.Enabled);
        Assert.False(afterDisable);
        Assert.True(enabled.TrustAnchor.Enabled);
        Assert.Empty(Harness.ControlPlane.TrustAnchors);
        Assert.Null(Harness.Store.Load().TrustAnchorArn);
        Assert.True(Harness.Store.HasCaCertificate);
    }

    [Fact]
    public async Task TrustAnchor_UnknownName_NotFound()
    {
        await Harness.CreateCaWithProfileAsync();

        var error = await Assert.ThrowsAsync<CredentialException>(() => new SetTrustAnchorEnabled(Context).RunAsync("Nope", false, CancellationToken.None));

        Assert.Equal(CredentialErrorKind.NotFound, error.Kind);
        Assert.Contains("no trust anchor named 'Nope'", error.Message, StringComparison.Ordinal);
        Assert.True(Harness.ControlPlane.TrustAnchors.Single().Enabled);
    }
}
