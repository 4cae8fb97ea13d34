using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.Core.Certificates;
using OpenRolesAnywhere.Core.Signing;
using OpenRolesAnywhere.TestCommon;
using OpenRolesAnywhere.TestCommon.SshAgent;

namespace OpenRolesAnywhere.Signers.SshAgent.Tests;

public sealed class SshAgentSelectionTests(SshAgentFixture agent) : IClassFixture<SshAgentFixture>, IDisposable
{
    private readonly TestPki _pki = TestPki.Create("SshAgent");

    [Fact]
    public async Task Open_Fingerprint_PicksThatKey()
    {
        using var key = await SshAgentKeys.OpenAsync(agent.Rsa3072.Fingerprint, null, agent.Environment);

        Assert.Equal(agent.Rsa3072.Fingerprint, key.Fingerprint);
        Assert.True(PublicKeys.AreEqual(agent.Rsa3072.PublicKey!, key.PublicKey));
    }

    [Fact]
    public async Task Open_FingerprintWithoutPrefix_PicksThatKey()
    {
        using var key = await SshAgentKeys.OpenAsync(agent.EcdsaP256.Fingerprint["SHA256:".Length..], null, agent.Environment);

        Assert.Equal(agent.EcdsaP256.Fingerprint, key.Fingerprint);
    }

    [Theory]
    [InlineData("rsa2048")]
    [InlineData("rsa3072")]
    [InlineData("p256")]
    public async Task Open_CertificateOnly_PicksTheKeyWhosePublicKeyItCarries(string name)
    {
        var expected = name switch { "rsa2048" => agent.Rsa2048, "rsa3072" => agent.Rsa3072, _ => agent.EcdsaP256 };
        using var certificate = Certificate(expected.PublicKey!);

        using var key = await SshAgentKeys.OpenAsync(null, certificate, agent.Environment);

        Assert.Equal(expected.Fingerprint, key.Fingerprint);
    }

    [Fact]
    public async Task Open_FingerprintAndMatchingCertificate_PicksThatKey()
    {
        using var certificate = Certificate(agent.EcdsaP256.PublicKey!);

        using var key = await SshAgentKeys.OpenAsync(agent.EcdsaP256.Fingerprint, certificate, agent.Environment);

        Assert.Equal(SigningKeyKind.EcdsaP256, key.Kind);
    }

    [Fact]
    public async Task Open_FingerprintOfAnotherKeyThanTheCertificates_KeyMismatch()
    {
        using var certificate = Certificate(agent.EcdsaP256.PublicKey!, "p256-holder");

        var e = await Assert.ThrowsAsync<CredentialException>(() => SshAgentKeys.OpenAsync(agent.Rsa2048.Fingerprint, certificate, agent.Environment));

        Assert.Equal(CredentialErrorKind.KeyMismatch, e.Kind);
        Assert.Contains(agent.Rsa2048.Fingerprint, e.Message, StringComparison.Ordinal);
        Assert.Contains("CN=p256-holder", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_UnknownFingerprint_KeyNotFoundListingWhatTheAgentHolds()
    {
        var e = await Assert.ThrowsAsync<CredentialException>(() => SshAgentKeys.OpenAsync("SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", null, agent.Environment));

        Assert.Equal(CredentialErrorKind.KeyNotFound, e.Kind);
        Assert.Contains("SHA256:AAAA", e.Message, StringComparison.Ordinal);
        Assert.All(agent.AllKeys, k => Assert.Contains(k.Fingerprint, e.Message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Open_Md5Fingerprint_KeyNotFoundAskingForSha256()
    {
        var e = await Assert.ThrowsAsync<CredentialException>(() => SshAgentKeys.OpenAsync("MD5:12:34:56:78:9a:bc:de:f0:12:34:56:78:9a:bc:de:f0", null, agent.Environment));

        Assert.Equal(CredentialErrorKind.KeyNotFound, e.Kind);
        Assert.Contains("ssh-add -l -E sha256", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_CertificateForAKeyNotInTheAgent_KeyNotFoundListingWhatTheAgentHolds()
    {
        using var stranger = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        using var certificate = Certificate(new System.Security.Cryptography.X509Certificates.PublicKey(stranger), "stranger");

        var e = await Assert.ThrowsAsync<CredentialException>(() => SshAgentKeys.OpenAsync(null, certificate, agent.Environment));

        Assert.Equal(CredentialErrorKind.KeyNotFound, e.Kind);
        Assert.Contains("CN=stranger", e.Message, StringComparison.Ordinal);
        Assert.Contains("ssh-add", e.Message, StringComparison.Ordinal);
        Assert.Contains(agent.EcdsaP256.Fingerprint, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_NeitherFingerprintNorCertificate_InvalidInput()
    {
        var e = await Assert.ThrowsAsync<CredentialException>(() => SshAgentKeys.OpenAsync(null, null, agent.Environment));

        Assert.Equal(CredentialErrorKind.InvalidInput, e.Kind);
        Assert.Contains("--ssh-fingerprint", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("p384", "SHA-384", "ssh-keygen -t ecdsa -b 256")]
    [InlineData("ed25519", "does not accept Ed25519", "ssh-keygen -t ecdsa -b 256")]
    [InlineData("rsa1024", "at least 2048 bits; this one has 1024", "ssh-keygen -t rsa -b 3072")]
    public async Task Open_RefusedKeyType_KeyUnsupportedSayingWhyAndWhatToMake(string name, string why, string advice)
    {
        var refused = name switch { "p384" => agent.EcdsaP384, "ed25519" => agent.Ed25519, _ => agent.Rsa1024 };

        var e = await Assert.ThrowsAsync<CredentialException>(() => SshAgentKeys.OpenAsync(refused.Fingerprint, null, agent.Environment));

        Assert.Equal(CredentialErrorKind.KeyUnsupported, e.Kind);
        Assert.Contains(refused.Fingerprint, e.Message, StringComparison.Ordinal);
        Assert.Contains(why, e.Message, StringComparison.Ordinal);
        Assert.Contains(advice, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_CertificateOverAP384KeyInTheAgent_KeyUnsupportedNotNotFound()
    {
        using var certificate = Certificate(agent.EcdsaP384.PublicKey!);

        var e = await Assert.ThrowsAsync<CredentialException>(() => SshAgentKeys.OpenAsync(null, certificate, agent.Environment));

        Assert.Equal(CredentialErrorKind.KeyUnsupported, e.Kind);
        Assert.Contains("SHA-384", e.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _pki.Dispose();

    // A certificate over the agent key, issued by a throwaway CA as a real one would issue it.
    private CertificateBundle Certificate(System.Security.Cryptography.X509Certificates.PublicKey publicKey, string commonName = "agent-key") =>
        new(_pki.Issue(publicKey, commonName), []);
}
