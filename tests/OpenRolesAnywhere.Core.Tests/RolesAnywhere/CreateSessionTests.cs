using OpenRolesAnywhere.Core.Aws;
using OpenRolesAnywhere.Core.Certificates;
using OpenRolesAnywhere.Core.RolesAnywhere;
using OpenRolesAnywhere.Core.Signing;
using OpenRolesAnywhere.TestCommon;
using OpenRolesAnywhere.TestCommon.FakeRolesAnywhere;

namespace OpenRolesAnywhere.Core.Tests.RolesAnywhere;

/// <summary>The CreateSession client against the fake that verifies signatures and chains as AWS does.</summary>
public sealed class CreateSessionTests : IAsyncLifetime
{
    private static readonly RetryPolicy FastRetry = new(4, TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(5));
    private CreateSessionTestBed _bed = null!;

    public async Task InitializeAsync() => _bed = await CreateSessionTestBed.StartAsync();

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    private CreateSessionRequest Request(TimeSpan? duration = null, string? role = null, string? anchor = null) =>
        new(anchor ?? FakeRolesAnywhereServer.TrustAnchorArn, FakeRolesAnywhereServer.ProfileArn, role ?? FakeRolesAnywhereServer.RoleArn,
            duration ?? TimeSpan.FromHours(1), Endpoint: _bed.Fake.Endpoint.ToString());

    private RolesAnywhereClient Client(RetryPolicy? retry = null) => new(_bed.Http, TimeProvider.System, retry ?? FastRetry, environment: _ => null);

    private sealed record TestIdentity(CertificateBundle Certificate, FileSigningKey Key) : IDisposable
    {
        public void Dispose()
        {
            Certificate.Dispose();
            Key.Dispose();
        }
    }

    private Task<SessionCredentials> CreateSession(TestIdentity identity, CreateSessionRequest? request = null, RolesAnywhereClient? client = null) =>
        (client ?? Client()).CreateSessionAsync(request ?? Request(), identity.Certificate, identity.Key, CancellationToken.None);

    private Task<CredentialException> CreateSessionFails(TestIdentity identity, CreateSessionRequest? request = null, RolesAnywhereClient? client = null) =>
        Assert.ThrowsAsync<CredentialException>(() => CreateSession(identity, request, client));

    private TestIdentity Identity(string kind, bool sendIntermediate = true,
        DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null)
    {
        using var key = TestKeys.Create(kind);
        var keyPath = TestKeys.WritePkcs8(key, _bed.Temp.File(kind + ".key"));
        using var leaf = _bed.Pki.Issue(TestKeys.PublicKeyOf(key), notBefore: notBefore, notAfter: notAfter);
        var certificatePath = _bed.Pki.WritePem(_bed.Temp.File(kind + ".pem"), leaf, sendIntermediate);
        return new TestIdentity(CertificateBundle.Load(certificatePath), FileSigningKey.Load(keyPath, () => null));
    }

    [Fact]
    public async Task CreateSession_ValidCertificate_CredentialsCarryTheCertificatesEnd()
    {
        var notAfter = new DateTimeOffset(DateTimeOffset.UtcNow.AddDays(12).Ticks / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond, TimeSpan.Zero);
        using var identity = Identity("p256", notAfter: notAfter);

        var credentials = await CreateSession(identity);

        Assert.Equal(notAfter, credentials.CertificateExpiration);
    }

    [Theory]
    [InlineData("rsa2048", "AWS4-X509-RSA-SHA256")]
    [InlineData("rsa3072", "AWS4-X509-RSA-SHA256")]
    [InlineData("p256", "AWS4-X509-ECDSA-SHA256")]
    [InlineData("p384", "AWS4-X509-ECDSA-SHA256")]
    public async Task CreateSession_ValidCertificateAndKey_ReturnsTheIssuedCredentials(string kind, string algorithm)
    {
        using var identity = Identity(kind);
        var credentials = await CreateSession(identity);

        var issued = Assert.Single(_bed.Fake.Issued);
        Assert.Equal(issued.AccessKeyId, credentials.AccessKeyId);
        Assert.Equal(issued.SecretAccessKey, credentials.SecretAccessKey);
        Assert.Equal(issued.SessionToken, credentials.SessionToken);
        Assert.Equal(issued.Expiration.ToUnixTimeSeconds(), credentials.Expiration.ToUnixTimeSeconds());
        Assert.Equal(FakeRolesAnywhereServer.RoleArn, credentials.RoleArn);
        Assert.Equal("123456789012", credentials.AccountId);
        Assert.Equal(algorithm, issued.Algorithm);
        Assert.Equal(identity.Certificate.SerialNumberDecimal, issued.SerialNumber);
    }

    [Fact]
    public async Task CreateSession_DurationAndSessionName_AreSentInTheBody()
    {
        using var identity = Identity("p256");
        var request = Request(TimeSpan.FromMinutes(20)) with { RoleSessionName = "build-42" };
        var credentials = await CreateSession(identity, request);

        var issued = Assert.Single(_bed.Fake.Issued);
        Assert.Equal("build-42", issued.RoleSessionName);
        Assert.InRange(credentials.Expiration - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(19), TimeSpan.FromMinutes(21));
    }

    [Fact]
    public async Task CreateSession_IntermediateNotSent_IsRefusedAsUntrusted()
    {
        using var identity = Identity("p256", sendIntermediate: false);
        var error = await CreateSessionFails(identity);

        Assert.Equal(CredentialErrorKind.AccessDenied, error.Kind);
        Assert.Contains("does not trust this certificate's issuer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateSession_CertificateFromAnotherCa_IsRefusedAsUntrusted()
    {
        using var otherPki = TestPki.Create("Other");
        using var ec = TestKeys.Create("p256");
        using var leaf = otherPki.Issue(TestKeys.PublicKeyOf(ec));
        using var identity = new TestIdentity(
            CertificateBundle.Load(otherPki.WritePem(_bed.Temp.File("other.pem"), leaf)),
            FileSigningKey.Load(TestKeys.WritePkcs8(ec, _bed.Temp.File("other.key")), () => null));

        var error = await CreateSessionFails(identity);

        Assert.Equal(CredentialErrorKind.AccessDenied, error.Kind);
        Assert.Equal(1, _bed.Fake.Calls);
    }

    [Fact]
    public async Task CreateSession_ExpiredCertificate_FailsBeforeAnyCall()
    {
        using var identity = Identity("p256", notBefore: DateTimeOffset.UtcNow.AddDays(-10), notAfter: DateTimeOffset.UtcNow.AddDays(-1));
        var error = await CreateSessionFails(identity);

        Assert.Equal(CredentialErrorKind.CertificateInvalid, error.Kind);
        Assert.Contains("expired", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, _bed.Fake.Calls);
    }

    [Fact]
    public async Task CreateSession_KeyOfAnotherCertificate_FailsBeforeAnyCall()
    {
        using var identity = Identity("p256");
        using var other = Identity("rsa2048");

        var error = await CreateSessionFails(identity with { Key = other.Key });

        Assert.Equal(CredentialErrorKind.KeyMismatch, error.Kind);
        Assert.Equal(0, _bed.Fake.Calls);
    }

    [Fact]
    public async Task CreateSession_RoleNotInProfile_SaysSo()
    {
        using var identity = Identity("p256");
        var error = await CreateSessionFails(identity, Request(role: "arn:aws:iam::123456789012:role/other"));

        Assert.Equal(CredentialErrorKind.AccessDenied, error.Kind);
        Assert.Contains("listed in the profile", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateSession_UnknownTrustAnchor_SaysCheckTheArns()
    {
        using var identity = Identity("p256");
        var error = await CreateSessionFails(identity, Request(anchor: "arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/nope"));

        Assert.Equal(CredentialErrorKind.NotFound, error.Kind);
        Assert.Contains("check the ARNs and the region", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateSession_RevokedCertificate_IsRefused()
    {
        using var identity = Identity("p256");
        _bed.Fake.RevokedSerials[identity.Certificate.SerialNumberDecimal] = true;

        var error = await CreateSessionFails(identity);

        Assert.Equal(CredentialErrorKind.AccessDenied, error.Kind);
        Assert.Contains("revoked", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateSession_UntrustedSigningCertificate_HintNamesRevocationAndCrlsBesideTheIssuer()
    {
        using var identity = Identity("p256");
        _bed.Fake.RevokedSerials[identity.Certificate.SerialNumberDecimal] = true;

        var error = await CreateSessionFails(identity);

        Assert.Contains("issuer", error.Message, StringComparison.Ordinal);
        Assert.Contains("revoked", error.Message, StringComparison.Ordinal);
        Assert.Contains("CRL", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateSession_ThrottledThenServerErrorThenOk_RetriesAndSucceeds()
    {
        using var identity = Identity("rsa2048");
        _bed.Fake.FailNext(429, "ThrottlingException", "Rate exceeded");
        _bed.Fake.FailNext(503, "ServiceUnavailableException", "try later");

        var credentials = await CreateSession(identity);

        Assert.Equal(3, _bed.Fake.Calls);
        Assert.Equal(Assert.Single(_bed.Fake.Issued).AccessKeyId, credentials.AccessKeyId);
    }

    [Fact]
    public async Task CreateSession_AlwaysThrottled_GivesUpAfterTheBoundWithAdvice()
    {
        using var identity = Identity("p256");
        for (var i = 0; i < 10; i++)
        {
            _bed.Fake.FailNext(429, "ThrottlingException", "Rate exceeded");
        }

        var error = await CreateSessionFails(identity);

        Assert.Equal(CredentialErrorKind.Throttled, error.Kind);
        Assert.Contains("openrolesanywhere serve", error.Message, StringComparison.Ordinal);
        Assert.Equal(FastRetry.MaxAttempts, _bed.Fake.Calls);
    }

    [Fact]
    public async Task CreateSession_ValidationError_IsNotRetried()
    {
        using var identity = Identity("p256");
        _bed.Fake.FailNext(400, "ValidationException", "bad");

        var error = await CreateSessionFails(identity);

        Assert.Equal(CredentialErrorKind.InvalidInput, error.Kind);
        Assert.Equal(1, _bed.Fake.Calls);
    }

    [Fact]
    public async Task CreateSession_ServiceTooSlow_TimesOutEachAttemptAndSaysSo()
    {
        using var identity = Identity("p256");
        for (var i = 0; i < 2; i++)
        {
            _bed.Fake.Intercept(async context =>
            {
                await Task.Delay(TimeSpan.FromSeconds(5), context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
                return true;
            });
        }

        var policy = new RetryPolicy(2, TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(300));
        var error = await CreateSessionFails(identity, client: Client(policy));

        Assert.Equal(CredentialErrorKind.Network, error.Kind);
        Assert.Contains("did not answer", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, _bed.Fake.Calls);
    }

    [Fact]
    public async Task CreateSession_NothingListening_IsANetworkErrorNamingTheEndpoint()
    {
        using var identity = Identity("p256");
        var closedPort = new UriBuilder(_bed.Fake.Endpoint) { Port = TestCommon.LoopbackHost.FreePort.Next() }.Uri.ToString();

        var error = await CreateSessionFails(identity, Request() with { Endpoint = closedPort });

        Assert.Equal(CredentialErrorKind.Network, error.Kind);
        Assert.Contains("Cannot reach Roles Anywhere", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(899)]
    [InlineData(43201)]
    public async Task CreateSession_DurationOutOfRange_FailsBeforeAnyCall(int seconds)
    {
        using var identity = Identity("p256");
        var error = await CreateSessionFails(identity, Request(TimeSpan.FromSeconds(seconds)));

        Assert.Equal(CredentialErrorKind.InvalidInput, error.Kind);
        Assert.Equal(0, _bed.Fake.Calls);
    }

    [Fact]
    public async Task CreateSession_ClockFarAhead_IsRefusedBySkewCheck()
    {
        using var identity = Identity("p256");
        var client = new RolesAnywhereClient(_bed.Http, new ShiftedTime(TimeSpan.FromMinutes(10)), FastRetry, environment: _ => null);

        var error = await CreateSessionFails(identity, client: client);

        Assert.Equal(CredentialErrorKind.AccessDenied, error.Kind);
        Assert.Contains("clock", error.Message, StringComparison.Ordinal);
    }

    private sealed class ShiftedTime(TimeSpan shift) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + shift;
    }
}
