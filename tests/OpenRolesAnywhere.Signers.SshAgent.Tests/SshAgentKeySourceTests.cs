using System.Text;
using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.Core.Certificates;
using OpenRolesAnywhere.Core.Credentials;
using OpenRolesAnywhere.Core.KeySources;
using OpenRolesAnywhere.Core.Signing;
using OpenRolesAnywhere.TestCommon;
using OpenRolesAnywhere.TestCommon.SshAgent;

namespace OpenRolesAnywhere.Signers.SshAgent.Tests;

/// <summary>The agent as a registered key backend, opened asynchronously against a real ssh-agent.</summary>
public sealed class SshAgentKeySourceTests(SshAgentFixture agent) : IClassFixture<SshAgentFixture>, IDisposable
{
    private static readonly byte[] Data = Encoding.UTF8.GetBytes("AWS4-X509-ECDSA-SHA256\n20261124T060000Z\nscope\nabc");
    private readonly TestPki _pki = TestPki.Create("SshAgentKeySource");

    private KeySourceProviders Keys() => new([new SshAgentKeySource(agent.Environment), new FileKeySource(_ => null, prompt: null)]);

    public void Dispose() => _pki.Dispose();

    [Fact]
    public async Task OpenAsync_Fingerprint_SignsWithThatAgentKey()
    {
        using var key = await Keys().OpenAsync(new KeySourceOptions { SshFingerprint = agent.EcdsaP256.Fingerprint }, null, CancellationToken.None);

        var signature = await key.SignAsync(Data, CancellationToken.None);

        Assert.IsType<SshAgentSigningKey>(key);
        Assert.True(SshAgentSigningTests.Verify(agent.EcdsaP256.PublicKey!, Data, signature));
    }

    [Fact]
    public async Task OpenAsync_CertificateOnly_OpensTheMatchingAgentKey()
    {
        using var certificate = new CertificateBundle(_pki.Issue(agent.Rsa3072.PublicKey!), []);

        using var key = await Keys().OpenAsync(new KeySourceOptions(), certificate, CancellationToken.None);

        Assert.True(PublicKeys.AreEqual(agent.Rsa3072.PublicKey!, key.PublicKey));
    }

    [Fact]
    public async Task OpenAsync_Cancelled_ThrowsOperationCanceled()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            Keys().OpenAsync(new KeySourceOptions { SshFingerprint = agent.EcdsaP256.Fingerprint }, null, cancelled.Token).AsTask());
    }

    [Fact]
    public async Task OpenAsync_NoAgent_SignerUnavailable()
    {
        var keys = new KeySourceProviders([new SshAgentKeySource(_ => null)]);

        var e = await Assert.ThrowsAsync<CredentialException>(() =>
            keys.OpenAsync(new KeySourceOptions { SshFingerprint = agent.EcdsaP256.Fingerprint }, null, CancellationToken.None).AsTask());

        Assert.Equal(CredentialErrorKind.SignerUnavailable, e.Kind);
    }

    [Fact]
    public void DescribeKey_FingerprintOrMatching_NamesTheAgentKey()
    {
        var keys = Keys();

        Assert.Equal("ssh-agent:" + agent.EcdsaP256.Fingerprint, keys.DescribeKey(new KeySourceOptions { SshFingerprint = agent.EcdsaP256.Fingerprint }));
        Assert.Equal("ssh-agent:matching", keys.DescribeKey(new KeySourceOptions()));
    }

    [Fact]
    public void HandlesKey_PrivateKeyGiven_NotTheAgents()
    {
        Assert.False(new SshAgentKeySource(agent.Environment).HandlesKey(new KeySourceOptions { PrivateKey = "/etc/ora/workload.key" }));
    }
}
