using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using OpenRolesAnywhere.TestCommon.SshAgent;

namespace OpenRolesAnywhere.Cli.Tests;

/// <summary><c>credential-process</c> and <c>request-certificate</c> with keys in a real ssh-agent.</summary>
public sealed class SshAgentCommandTests : IClassFixture<SshAgentFixture>, IAsyncLifetime
{
    private readonly SshAgentFixture _agent;
    private CliHarness _cli = null!;

    public SshAgentCommandTests(SshAgentFixture agent)
    {
        _agent = agent;
    }

    public async Task InitializeAsync()
    {
        _cli = await CliHarness.StartAsync();
        _cli.Environment["SSH_AUTH_SOCK"] = _agent.SocketPath;
    }

    public async Task DisposeAsync() => await _cli.DisposeAsync();

    public static TheoryData<string> UsableKeys() => new(["rsa2048", "rsa3072", "p256"]);

    private SshTestKey Key(string name) => name switch
    {
        "rsa2048" => _agent.Rsa2048,
        "rsa3072" => _agent.Rsa3072,
        "p256" => _agent.EcdsaP256,
        "p384" => _agent.EcdsaP384,
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(UsableKeys))]
    public async Task CredentialProcess_AgentKeyMatchingTheCertificate_GetsCredentials(string name)
    {
        var certificate = _cli.CertificateFor(Key(name).PublicKey!);

        var (exitCode, output, error) = await _cli.RunAsync(["credential-process", "--certificate", certificate, .. _cli.ArnFlags()]);

        Assert.True(exitCode == 0, error);
        using var document = JsonDocument.Parse(output);
        Assert.Equal(Assert.Single(_cli.Fake.Issued).AccessKeyId, document.RootElement.GetProperty("AccessKeyId").GetString());
    }

    [Fact]
    public async Task CredentialProcess_AgentKeyByFingerprint_GetsCredentials()
    {
        var certificate = _cli.CertificateFor(_agent.EcdsaP256.PublicKey!);

        var (exitCode, _, error) = await _cli.RunAsync(["credential-process", "--certificate", certificate, "--ssh-fingerprint", _agent.EcdsaP256.Fingerprint, .. _cli.ArnFlags()]);

        Assert.True(exitCode == 0, error);
        Assert.Equal("AWS4-X509-ECDSA-SHA256", Assert.Single(_cli.Fake.Issued).Algorithm);
    }

    [Fact]
    public async Task CredentialProcess_FingerprintOfAnotherKey_ExitsWithKeyCode()
    {
        var certificate = _cli.CertificateFor(_agent.EcdsaP256.PublicKey!);

        var (exitCode, _, error) = await _cli.RunAsync(["credential-process", "--certificate", certificate, "--ssh-fingerprint", _agent.Rsa2048.Fingerprint, .. _cli.ArnFlags()]);

        Assert.Equal(ExitCodes.Key, exitCode);
        Assert.Equal(0, _cli.Fake.Calls);
        Assert.NotEqual("", error);
    }

    [Fact]
    public async Task CredentialProcess_P384AgentKey_IsRefusedWithWhatToMakeInstead()
    {
        var certificate = _cli.CertificateFor(_agent.EcdsaP384.PublicKey!);

        var (exitCode, _, error) = await _cli.RunAsync(["credential-process", "--certificate", certificate, .. _cli.ArnFlags()]);

        Assert.Equal(ExitCodes.Key, exitCode);
        Assert.Contains("ssh-keygen -t ecdsa -b 256", error, StringComparison.Ordinal);
        Assert.Equal(0, _cli.Fake.Calls);
    }

    [Fact]
    public async Task CredentialProcess_CertificateForAKeyNotInTheAgent_ExitsWithKeyCode()
    {
        using var stranger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var certificate = _cli.CertificateFor(new PublicKey(stranger));

        var (exitCode, _, error) = await _cli.RunAsync(["credential-process", "--certificate", certificate, .. _cli.ArnFlags()]);

        Assert.Equal(ExitCodes.Key, exitCode);
        Assert.Contains(_agent.EcdsaP256.Fingerprint, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CredentialProcess_NoAgent_ExitsWithSignerUnavailableAndAdvice()
    {
        var certificate = _cli.CertificateFor(_agent.EcdsaP256.PublicKey!);
        _cli.Environment["SSH_AUTH_SOCK"] = null;

        var (exitCode, output, error) = await _cli.RunAsync(["credential-process", "--certificate", certificate, .. _cli.ArnFlags()]);

        Assert.Equal(ExitCodes.SignerUnavailable, exitCode);
        Assert.Equal("", output);
        Assert.Contains("SSH_AUTH_SOCK", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CredentialProcess_AgentGone_ExitsWithSignerUnavailable()
    {
        var certificate = _cli.CertificateFor(_agent.EcdsaP256.PublicKey!);
        _cli.Environment["SSH_AUTH_SOCK"] = _agent.UnusedSocketPath("gone");

        var (exitCode, _, error) = await _cli.RunAsync(["credential-process", "--certificate", certificate, .. _cli.ArnFlags()]);

        Assert.Equal(ExitCodes.SignerUnavailable, exitCode);
        Assert.Contains("ssh-agent", error, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(UsableKeys))]
    public async Task RequestCertificate_AgentKey_PrintsACsrItsKeySigned(string name)
    {
        var key = Key(name);

        var (exitCode, output, error) = await _cli.RunAsync("request-certificate", "--ssh-fingerprint", key.Fingerprint, "--common-name", "alice");

        Assert.True(exitCode == 0, error);
        // LoadSigningRequest verifies the CSR's signature (proof of possession) by default.
        var request = CertificateRequest.LoadSigningRequestPem(output, HashAlgorithmName.SHA256);
        Assert.Equal("CN=alice", request.SubjectName.Name);
        Assert.Equal(key.PublicKey!.ExportSubjectPublicKeyInfo(), request.PublicKey.ExportSubjectPublicKeyInfo());
        var openssl = await OpenRolesAnywhere.TestCommon.ProcessRunner.RunAsync("sh", ["-c", $"printf '%s' \"$CSR\" | openssl req -verify -noout"],
            new Dictionary<string, string?> { ["CSR"] = output });
        Assert.True(openssl.ExitCode == 0, openssl.Error);
    }

    [Fact]
    public async Task RequestCertificate_PublicKeyFlag_PrintsTheBarePublicKey()
    {
        var (exitCode, output, error) = await _cli.RunAsync("request-certificate", "--ssh-fingerprint", _agent.Rsa2048.Fingerprint, "--public-key");

        Assert.True(exitCode == 0, error);
        using var rsa = RSA.Create();
        rsa.ImportFromPem(output);
        Assert.Equal(_agent.Rsa2048.PublicKey!.ExportSubjectPublicKeyInfo(), rsa.ExportSubjectPublicKeyInfo());
    }

    [Fact]
    public async Task RequestCertificate_NoKeyNamed_IsAUsageError()
    {
        var (exitCode, _, error) = await _cli.RunAsync("request-certificate", "--common-name", "alice");

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Contains("ssh-add -l", error, StringComparison.Ordinal);
    }
}
