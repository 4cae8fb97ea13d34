using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using OpenRolesAnywhere.Core.Diagnostics;
using OpenRolesAnywhere.TestCommon;
using OpenRolesAnywhere.TestCommon.FakeRolesAnywhere;
using OpenRolesAnywhere.TestCommon.FakeRolesAnywhereControlPlane;
using OpenRolesAnywhere.TestCommon.SshAgent;

namespace OpenRolesAnywhere.Cli.Tests;

/// <summary>
/// <c>doctor</c> in-process against one endpoint serving the verifying CreateSession fake and the control plane
/// fake (which checks the user's SigV4 signature), with real key files and a real ssh-agent. Each failure test
/// breaks one thing and expects exactly that check to fail.
/// </summary>
public sealed class DoctorCommandTests : IClassFixture<SshAgentFixture>, IAsyncLifetime
{
    private const string AccessKeyId = "AKIADOCTORUSER000001";
    private const string SecretAccessKey = "doctor-user-secret/0123456789abcdefghij";
    private static readonly string AnchorId = FakeRolesAnywhereServer.TrustAnchorArn.Split('/')[^1];
    private static readonly string ProfileId = FakeRolesAnywhereServer.ProfileArn.Split('/')[^1];
    private readonly SshAgentFixture _agent;
    private FakeRolesAnywhereControlPlaneServer _controlPlane = null!;
    private CliHarness _cli = null!;

    public DoctorCommandTests(SshAgentFixture agent)
    {
        _agent = agent;
    }

    public Task InitializeAsync() => StartAsync(null);

    public async Task DisposeAsync()
    {
        await _cli.DisposeAsync();
        await _controlPlane.DisposeAsync();
    }

    [Fact]
    public async Task Doctor_EverythingRight_EveryCheckPassesAndExitsZero()
    {
        var (certificate, key) = _cli.FileIdentity();

        var (exitCode, output, error) = await DoctorAsync(certificate, key);

        Assert.True(exitCode == 0, output + error);
        var outcomes = Outcomes(output);
        Assert.Equal(12, outcomes.Count);
        Assert.All(outcomes.Where(o => o.Key != Doctor.CreateSessionName), o => Assert.Equal(CheckOutcome.Pass, o.Value));
        Assert.Equal(CheckOutcome.Skipped, outcomes[Doctor.CreateSessionName]);
        Assert.Contains("11 passed, 0 failed, 1 skipped.", output, StringComparison.Ordinal);
        Assert.DoesNotContain(SecretAccessKey, output + error, StringComparison.Ordinal);
        Assert.Equal(0, _cli.Fake.Calls);
        Assert.Contains(_controlPlane.Calls, c => c.Operation == "GetTrustAnchor" && c.Status == 200);
        Assert.Contains(_controlPlane.Calls, c => c.Operation == "GetProfile" && c.Status == 200);
        Assert.Contains(_controlPlane.Calls, c => c.Operation == "ListCrls" && c.Status == 200);
    }

    [Fact]
    public async Task Doctor_AgentKeyMatchingTheCertificate_EveryCheckPasses()
    {
        _cli.Environment["SSH_AUTH_SOCK"] = _agent.SocketPath;
        var certificate = _cli.CertificateFor(_agent.EcdsaP256.PublicKey!);

        var (exitCode, output, error) = await _cli.RunAsync(["doctor", "--certificate", certificate, .. _cli.ArnFlags()]);

        Assert.True(exitCode == 0, output + error);
        Assert.Matches("pass  key +The SSH agent key", output);
        Assert.Equal(11, Outcomes(output).Count(o => o.Value == CheckOutcome.Pass));
    }

    [Fact]
    public async Task Doctor_Try_CreatesASessionAndPrintsNoCredential()
    {
        var (certificate, key) = _cli.FileIdentity();

        var (exitCode, output, error) = await DoctorAsync(certificate, key, "--try");

        Assert.True(exitCode == 0, output + error);
        Assert.Equal(CheckOutcome.Pass, Outcomes(output)[Doctor.CreateSessionName]);
        var issued = Assert.Single(_cli.Fake.Issued);
        Assert.Contains(FakeRolesAnywhereServer.RoleArn, output, StringComparison.Ordinal);
        foreach (var secret in new[] { issued.AccessKeyId, issued.SecretAccessKey, issued.SessionToken })
        {
            Assert.DoesNotContain(secret, output + error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Doctor_TryRefusedByTheService_FailsCreateSessionWithTheServiceReason()
    {
        var (certificate, key) = _cli.FileIdentity();
        _cli.Fake.FailNext(403, "AccessDeniedException", "Untrusted signing certificate");

        var (exitCode, output, _) = await DoctorAsync(certificate, key, "--try");

        AssertOnlyFailure(exitCode, output, Doctor.CreateSessionName);
        Assert.Contains("Untrusted signing certificate", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_CertificateFileMissing_FailsTheCertificateAndSkipsEverythingThatNeedsIt()
    {
        var (_, key) = _cli.FileIdentity();

        var (exitCode, output, _) = await DoctorAsync(_cli.Temp.File("missing.pem"), key);

        Assert.Equal(ExitCodes.ChecksFailed, exitCode);
        var outcomes = Outcomes(output);
        Assert.Equal(CheckOutcome.Fail, outcomes[Doctor.CertificateName]);
        Assert.Equal(11, outcomes.Count(o => o.Value == CheckOutcome.Skipped));
        Assert.Contains("Skipped: it needs the certificate.", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_NoRoleArn_FailsOnlyTheRequestAndSkipsTheServiceChecks()
    {
        var (certificate, key) = _cli.FileIdentity();

        var (exitCode, output, _) = await _cli.RunAsync("doctor", "--certificate", certificate, "--private-key", key,
            "--trust-anchor-arn", FakeRolesAnywhereServer.TrustAnchorArn, "--profile-arn", FakeRolesAnywhereServer.ProfileArn, "--endpoint", _cli.Fake.Endpoint.ToString());

        AssertOnlyFailure(exitCode, output, Doctor.RequestName,
            skipped: [ClockCheck.Name, Doctor.TrustAnchorName, ChainCheck.Name, RevocationCheck.Name, ProfileCheck.Name]);
        Assert.Contains("--role-arn", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_KeyOfAnotherCertificate_FailsOnlyTheKey()
    {
        var (certificate, _) = _cli.FileIdentity();
        var (_, otherKey) = _cli.FileIdentity();

        var (exitCode, output, _) = await DoctorAsync(certificate, otherKey);

        AssertOnlyFailure(exitCode, output, KeyCheck.Name);
        Assert.Contains("public keys differ", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_P521Certificate_FailsOnlyTheKeyType()
    {
        var (certificate, key) = _cli.FileIdentity("p521");

        var (exitCode, output, _) = await DoctorAsync(certificate, key);

        AssertOnlyFailure(exitCode, output, CertificateChecks.KeyTypeName, skipped: [KeyCheck.Name]);
        Assert.Contains("P-256", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_ExpiredCertificate_FailsOnlyTheValidity()
    {
        var (certificate, key) = _cli.FileIdentity(notAfter: DateTimeOffset.UtcNow.AddDays(-1));

        var (exitCode, output, _) = await DoctorAsync(certificate, key);

        AssertOnlyFailure(exitCode, output, CertificateChecks.ValidityName);
        Assert.Contains("expired", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_CertificateWithoutDigitalSignature_FailsOnlyTheExtensions()
    {
        var (certificate, key) = Identity(keyUsage: X509KeyUsageFlags.KeyEncipherment);

        var (exitCode, output, _) = await DoctorAsync(certificate, key);

        AssertOnlyFailure(exitCode, output, CertificateChecks.ExtensionsName);
        Assert.Contains("digitalSignature", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_IntermediateNotSent_FailsOnlyTheChain()
    {
        var (certificate, key) = Identity(withIntermediate: false);

        var (exitCode, output, _) = await DoctorAsync(certificate, key);

        AssertOnlyFailure(exitCode, output, ChainCheck.Name);
        Assert.Contains("--intermediates", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_RootAllowsNoIntermediate_FailsOnlyTheChainNamingPathLen()
    {
        await RestartAsync(TestPki.Create("Strict", rootPathLength: 0));
        var (certificate, key) = _cli.FileIdentity();

        var (exitCode, output, _) = await DoctorAsync(certificate, key);

        AssertOnlyFailure(exitCode, output, ChainCheck.Name);
        Assert.Contains("pathLen", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_TrustAnchorCertificateOfAnotherCa_FailsOnlyTheChain()
    {
        var (certificate, key) = _cli.FileIdentity();
        using var other = TestPki.Create("Other");
        var anchorFile = _cli.Temp.File("other-anchor.pem");
        await File.WriteAllTextAsync(anchorFile, other.Root.ExportCertificatePem());

        var (exitCode, output, _) = await DoctorAsync(certificate, key, "--trust-anchor-certificate", anchorFile);

        AssertOnlyFailure(exitCode, output, ChainCheck.Name);
        Assert.Contains("does not reach the trust anchor (CN=Other Root CA)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_DisabledTrustAnchor_FailsOnlyTheTrustAnchor()
    {
        var (certificate, key) = _cli.FileIdentity();
        _controlPlane.Put(_controlPlane.TrustAnchors.Single() with { Enabled = false });

        var (exitCode, output, _) = await DoctorAsync(certificate, key);

        AssertOnlyFailure(exitCode, output, Doctor.TrustAnchorName);
        Assert.Contains("enable-trust-anchor", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_RevokedCertificate_FailsOnlyTheRevocation()
    {
        var (certificate, key) = _cli.FileIdentity();
        using var leaf = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(certificate));
        var crl = new CertificateRevocationListBuilder();
        crl.AddEntry(leaf.SerialNumberBytes.Span, DateTimeOffset.UtcNow.AddMinutes(-1), X509RevocationReason.KeyCompromise);
        var der = crl.Build(_cli.Pki.Root, BigInteger.One, DateTimeOffset.UtcNow.AddDays(7), HashAlgorithmName.SHA256);
        _controlPlane.Put(new FakeCrl("crl-1", $"arn:aws:rolesanywhere:{FakeRolesAnywhereServer.Region}:{FakeRolesAnywhereServer.Account}:crl/crl-1",
            "revoked", true, FakeRolesAnywhereServer.TrustAnchorArn, der, 0));

        var (exitCode, output, _) = await DoctorAsync(certificate, key);

        AssertOnlyFailure(exitCode, output, RevocationCheck.Name);
        Assert.Contains("revoked by the CRL 'revoked'", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_RoleNotInProfile_FailsOnlyTheProfile()
    {
        var (certificate, key) = _cli.FileIdentity();
        _controlPlane.Put(_controlPlane.Profiles.Single() with { RoleArns = [$"arn:aws:iam::{FakeRolesAnywhereServer.Account}:role/other"] });

        var (exitCode, output, _) = await DoctorAsync(certificate, key);

        AssertOnlyFailure(exitCode, output, ProfileCheck.Name);
        Assert.Contains("is not one of the profile's roles", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_SessionNameAndDurationTheProfileRefuses_FailsOnlyTheProfileNamingBoth()
    {
        var (certificate, key) = _cli.FileIdentity();

        var (exitCode, output, _) = await DoctorAsync(certificate, key, "--role-session-name", "alice", "--session-duration", "2h");

        AssertOnlyFailure(exitCode, output, ProfileCheck.Name);
        Assert.Contains("does not accept custom names", output, StringComparison.Ordinal);
        Assert.Contains("longer than the profile's 3600 s", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_ClockTenMinutesAhead_FailsTheClockAndSkipsWhatNeedsTheService()
    {
        var (certificate, key) = _cli.FileIdentity();
        _cli.Time = new OffsetTime(TimeSpan.FromMinutes(10));

        var (exitCode, output, _) = await DoctorAsync(certificate, key);

        AssertOnlyFailure(exitCode, output, ClockCheck.Name,
            skipped: [Doctor.TrustAnchorName, ChainCheck.Name, RevocationCheck.Name, ProfileCheck.Name]);
        Assert.Contains("10 minutes ahead of", output, StringComparison.Ordinal);
        Assert.DoesNotContain(_controlPlane.Calls, c => c.Operation is not null);
    }

    private async Task StartAsync(TestPki? pki)
    {
        _controlPlane = await FakeRolesAnywhereControlPlaneServer.StartAsync(FakeRolesAnywhereServer.Region, AccessKeyId, SecretAccessKey);
        _cli = await CliHarness.StartAsync(_controlPlane.HandleAsync, pki);
        _controlPlane.Put(new FakeTrustAnchor(AnchorId, FakeRolesAnywhereServer.TrustAnchorArn, "Anchor", true, "CERTIFICATE_BUNDLE",
            _cli.Pki.Root.ExportCertificatePem(), new Dictionary<string, string>()));
        _controlPlane.Put(new FakeProfile(ProfileId, FakeRolesAnywhereServer.ProfileArn, "Profile", true, [FakeRolesAnywhereServer.RoleArn], 3600,
            new Dictionary<string, string>()));
        _cli.Environment["AWS_ACCESS_KEY_ID"] = AccessKeyId;
        _cli.Environment["AWS_SECRET_ACCESS_KEY"] = SecretAccessKey;
    }

    private async Task RestartAsync(TestPki pki)
    {
        await DisposeAsync();
        await StartAsync(pki);
    }

    private Task<(int ExitCode, string Output, string Error)> DoctorAsync(string certificate, string key, params string[] more) =>
        _cli.RunAsync(["doctor", "--certificate", certificate, "--private-key", key, .. _cli.ArnFlags(), .. more]);

    private (string Certificate, string Key) Identity(X509KeyUsageFlags keyUsage = X509KeyUsageFlags.DigitalSignature, bool withIntermediate = true)
    {
        using var key = TestKeys.Create("p256");
        using var leaf = _cli.Pki.Issue(TestKeys.PublicKeyOf(key), keyUsage: keyUsage);
        var name = Guid.NewGuid().ToString("N")[..8];
        return (_cli.Pki.WritePem(_cli.Temp.File(name + ".pem"), leaf, withIntermediate), TestKeys.WritePkcs8(key, _cli.Temp.File(name + ".key")));
    }

    /// <summary>Check name to outcome, from doctor's lines (<c>pass  name           reason</c>).</summary>
    private static Dictionary<string, CheckOutcome> Outcomes(string output) =>
        output.Split('\n').Where(l => l.Length > 20 && l[4..6] == "  ").ToDictionary(
            l => l[6..20].Trim(),
            l => l[..4] switch { "pass" => CheckOutcome.Pass, "FAIL" => CheckOutcome.Fail, "skip" => CheckOutcome.Skipped, _ => throw new FormatException(l) });

    /// <summary>Exactly <paramref name="failed"/> fails, the checks in <paramref name="skipped"/> (and CreateSession, not tried) are skipped, every other passes.</summary>
    private static void AssertOnlyFailure(int exitCode, string output, string failed, string[]? skipped = null)
    {
        Assert.True(exitCode == ExitCodes.ChecksFailed, output);
        var outcomes = Outcomes(output);
        Assert.Equal(12, outcomes.Count);
        foreach (var (name, outcome) in outcomes)
        {
            var expected = name == failed ? CheckOutcome.Fail
                : skipped?.Contains(name) == true || name == Doctor.CreateSessionName ? CheckOutcome.Skipped
                : CheckOutcome.Pass;
            Assert.True(expected == outcome, $"{name}: expected {expected}, got {outcome}\n{output}");
        }
    }

    private sealed class OffsetTime(TimeSpan offset) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + offset;
    }
}
