using OpenRolesAnywhere.Core.Signing;
using OpenRolesAnywhere.TestCommon.SshAgent;

namespace OpenRolesAnywhere.Signers.SshAgent.Tests;

public sealed class SshAgentListingTests(SshAgentFixture agent) : IClassFixture<SshAgentFixture>
{
    [Fact]
    public void ListIdentities_RealAgent_FingerprintsEqualSshAddOutputInOrder()
    {
        var identities = SshAgentKeys.ListIdentities(agent.Environment);

        Assert.Equal(agent.Agent.ListFingerprintsWithSshAdd(), identities.Select(i => i.Fingerprint));
        Assert.Equal(agent.AllKeys.Select(k => k.Fingerprint), identities.Select(i => i.Fingerprint));
    }

    [Fact]
    public void SshFingerprintOf_RsaAndEcdsaPublicKeysFromKeyFiles_EqualSshKeygensFingerprints()
    {
        // The form list-certificates' KEY column prints: computed from a certificate's key, never from an agent.
        var keys = agent.AllKeys.Where(k => k.PublicKey is not null).ToList();

        Assert.Equal(keys.Select(k => k.Fingerprint), keys.Select(k => SshFingerprint.Of(k.PublicKey!)));
        Assert.Contains(keys, k => k.KeyType == "ssh-rsa");
        Assert.Contains(keys, k => k.KeyType == "ecdsa-sha2-nistp384");
    }

    [Fact]
    public void ListIdentities_RealAgent_TypesAndCommentsAsAdded()
    {
        var identities = SshAgentKeys.ListIdentities(agent.Environment);

        Assert.Equal(["ssh-rsa", "ssh-rsa", "ecdsa-sha2-nistp256", "ssh-rsa", "ecdsa-sha2-nistp384", "ssh-ed25519"], identities.Select(i => i.KeyType));
        Assert.Equal(agent.AllKeys.Select(k => k.KeyType), identities.Select(i => i.KeyType));
        Assert.Equal(agent.AllKeys.Select(k => k.Comment), identities.Select(i => i.Comment));
    }

    [Fact]
    public void ListIdentities_RsaAndEcdsaKeys_PublicKeysEqualThoseDotNetReadsFromTheKeyFiles()
    {
        var identities = SshAgentKeys.ListIdentities(agent.Environment);

        foreach (var key in agent.AllKeys.Where(k => k.PublicKey is not null))
        {
            var identity = Assert.Single(identities, i => i.Fingerprint == key.Fingerprint);
            Assert.NotNull(identity.PublicKey);
            Assert.True(PublicKeys.AreEqual(key.PublicKey!, identity.PublicKey), $"public key of {key}");
        }

        Assert.Null(Assert.Single(identities, i => i.KeyType == "ssh-ed25519").PublicKey);
    }

    [Fact]
    public void ListIdentities_RealAgent_OnlyRsa2048UpAndP256AreUsable()
    {
        var identities = SshAgentKeys.ListIdentities(agent.Environment).ToDictionary(i => i.Fingerprint);

        Assert.Null(identities[agent.Rsa2048.Fingerprint].Unsupported);
        Assert.Null(identities[agent.Rsa3072.Fingerprint].Unsupported);
        Assert.Null(identities[agent.EcdsaP256.Fingerprint].Unsupported);
        Assert.Contains("1024", identities[agent.Rsa1024.Fingerprint].Unsupported, StringComparison.Ordinal);
        Assert.Contains("SHA-384", identities[agent.EcdsaP384.Fingerprint].Unsupported, StringComparison.Ordinal);
        Assert.Contains("Ed25519", identities[agent.Ed25519.Fingerprint].Unsupported, StringComparison.Ordinal);
    }

    [Fact]
    public void ListIdentities_EmptyAgent_ReturnsNothing()
    {
        using var empty = agent.StartAgent();

        Assert.Empty(SshAgentKeys.ListIdentities(empty.Environment));
    }
}
