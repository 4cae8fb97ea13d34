using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.TestCommon.SshAgent;

namespace OpenRolesAnywhere.Signers.SshAgent.Tests;

/// <summary>Agents that are missing, gone, locked, forgetful or broken: each gives a CredentialException that says what to do, never a hang.</summary>
public sealed class SshAgentFailureTests(SshAgentFixture agent) : IClassFixture<SshAgentFixture>
{
    private static readonly byte[] Data = Encoding.UTF8.GetBytes("string to sign");
    private static readonly TimeSpan Short = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task Open_SshAuthSockUnset_SignerUnavailableWithAdvice()
    {
        var e = await Assert.ThrowsAsync<CredentialException>(() => SshAgentKeys.OpenAsync(agent.Rsa2048.Fingerprint, null, _ => null));

        Assert.Equal(CredentialErrorKind.SignerUnavailable, e.Kind);
        Assert.Contains("SSH_AUTH_SOCK is not set", e.Message, StringComparison.Ordinal);
        Assert.Contains("eval $(ssh-agent)", e.Message, StringComparison.Ordinal);
        Assert.Contains("ssh-add", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ListIdentities_SocketMissing_SignerUnavailableSayingItDoesNotExist()
    {
        var path = agent.UnusedSocketPath("missing");

        var e = Assert.Throws<CredentialException>(() => SshAgentKeys.ListIdentities(name => name == "SSH_AUTH_SOCK" ? path : null));

        Assert.Equal(CredentialErrorKind.SignerUnavailable, e.Kind);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", e.Message, StringComparison.Ordinal);
        Assert.Contains("eval $(ssh-agent)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignAsync_AgentKilledAfterOpen_SignerUnavailableThenSocketGone()
    {
        var own = agent.StartAgent(agent.EcdsaP256);
        using var key = await SshAgentKeys.OpenAsync(agent.EcdsaP256.Fingerprint, null, own.Environment);
        Assert.NotEmpty(await key.SignAsync(Data, CancellationToken.None));

        own.Kill();
        var refused = await Assert.ThrowsAsync<CredentialException>(() => key.SignAsync(Data, CancellationToken.None));
        own.Dispose();
        var gone = await Assert.ThrowsAsync<CredentialException>(() => key.SignAsync(Data, CancellationToken.None));

        Assert.Equal(CredentialErrorKind.SignerUnavailable, refused.Kind);
        Assert.Contains("refuses connections", refused.Message, StringComparison.Ordinal);
        Assert.Equal(CredentialErrorKind.SignerUnavailable, gone.Kind);
        Assert.Contains("does not exist", gone.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignAsync_AgentRestartedOnTheSameSocket_SignsAgain()
    {
        var first = agent.StartAgent(agent.Rsa2048);
        using var key = await SshAgentKeys.OpenAsync(agent.Rsa2048.Fingerprint, null, first.Environment);
        first.Dispose();

        using var second = SshAgentProcess.Start(first.SocketPath);
        second.Add(agent.Rsa2048);

        Assert.True(SshAgentSigningTests.Verify(agent.Rsa2048.PublicKey!, Data, await key.SignAsync(Data, CancellationToken.None)));
    }

    [Fact]
    public async Task SignAsync_KeyRemovedWithSshAddD_KeyNotFoundListingTheRest()
    {
        var own = agent.StartAgent(agent.Rsa2048, agent.EcdsaP256);
        using var key = await SshAgentKeys.OpenAsync(agent.Rsa2048.Fingerprint, null, own.Environment);

        own.Remove(agent.Rsa2048);
        var e = await Assert.ThrowsAsync<CredentialException>(() => key.SignAsync(Data, CancellationToken.None));

        Assert.Equal(CredentialErrorKind.KeyNotFound, e.Kind);
        Assert.Contains($"no longer holds the key {agent.Rsa2048.Fingerprint}", e.Message, StringComparison.Ordinal);
        Assert.Contains(agent.EcdsaP256.Fingerprint, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignAsync_AgentLocked_KeyLockedSayingHowToUnlock()
    {
        var own = agent.StartAgent(agent.EcdsaP256);
        using var key = await SshAgentKeys.OpenAsync(agent.EcdsaP256.Fingerprint, null, own.Environment);

        own.Lock("test-lock");
        var locked = await Assert.ThrowsAsync<CredentialException>(() => key.SignAsync(Data, CancellationToken.None));
        var openLocked = await Assert.ThrowsAsync<CredentialException>(() => SshAgentKeys.OpenAsync(agent.EcdsaP256.Fingerprint, null, own.Environment));
        own.Unlock("test-lock");

        Assert.Equal(CredentialErrorKind.KeyLocked, locked.Kind);
        Assert.Contains("ssh-add -X", locked.Message, StringComparison.Ordinal);
        Assert.Equal(CredentialErrorKind.KeyNotFound, openLocked.Kind);
        Assert.Contains("ssh-add -X", openLocked.Message, StringComparison.Ordinal);
        Assert.NotEmpty(await key.SignAsync(Data, CancellationToken.None));
    }

    [Fact]
    public async Task SignAsync_ConfirmationCannotBeAsked_KeyLockedSayingTheAgentRefused()
    {
        var own = agent.StartAgent();
        own.AddWithConfirmation(agent.EcdsaP256);
        using var key = await SshAgentKeys.OpenAsync(agent.EcdsaP256.Fingerprint, null, own.Environment, Short * 10);

        var e = await Assert.ThrowsAsync<CredentialException>(() => key.SignAsync(Data, CancellationToken.None));

        Assert.Equal(CredentialErrorKind.KeyLocked, e.Kind);
        Assert.Contains($"refused to sign with {agent.EcdsaP256.Fingerprint}", e.Message, StringComparison.Ordinal);
        Assert.Contains("confirmation", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("HTTP/1.1 400 Bad Request\r\n\r\n", "announced a reply of 1213486160 bytes")]
    [InlineData("\0\x0010\0\0\0\0", "announced a reply of 1048576 bytes")]
    [InlineData("\0\0\0\0", "announced a reply of 0 bytes")]
    [InlineData("\0\0\0\x0001\x0005", "SSH_AGENT_FAILURE")]
    [InlineData("\0\0\0\x0001\x0006", "message number 6 came where 12 was expected")]
    [InlineData("\0\0\0\x0005\x000c\0\x000f\x0042\x0040", "ends early")]
    [InlineData("\0\0\0\x000d\x000c\0\0\0\x0001\x00ff\x00ff\x00ff\x00ff\0\0\0\0", "claims 4294967295 bytes")]
    public void ListIdentities_MalformedReply_SignerUnavailableNamingTheFault(string reply, string fault)
    {
        using var fake = new FakeAgent(agent.UnusedSocketPath($"garbage{reply.GetHashCode(StringComparison.Ordinal):x}"),
            _ => new FakeReply(Encoding.Latin1.GetBytes(reply)));

        var e = Assert.Throws<CredentialException>(() => SshAgentKeys.ListIdentities(fake.Environment, Short));

        Assert.Equal(CredentialErrorKind.SignerUnavailable, e.Kind);
        Assert.Contains(fault, e.Message, StringComparison.Ordinal);
        Assert.Contains("not draft-miller-ssh-agent", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true, "did not answer within 1 s")]
    [InlineData(false, "closed the connection before answering")]
    public void ListIdentities_HalfAReply_SignerUnavailableWithinTheTimeout(bool holdOpen, string fault)
    {
        using var fake = new FakeAgent(agent.UnusedSocketPath($"half{holdOpen}"), _ => new FakeReply([0, 0, 0, 100, 12, 0], holdOpen));
        var clock = Stopwatch.StartNew();

        var e = Assert.Throws<CredentialException>(() => SshAgentKeys.ListIdentities(fake.Environment, Short));

        Assert.Equal(CredentialErrorKind.SignerUnavailable, e.Kind);
        Assert.Contains(fault, e.Message, StringComparison.Ordinal);
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task SignAsync_CallerCancels_OperationCanceledNotATimeoutMessage()
    {
        var blob = Wire.BlobOf(agent.EcdsaP256.PublicKeyPath);
        using var fake = new FakeAgent(agent.UnusedSocketPath("silent"),
            request => request[0] == 11 ? new FakeReply(Wire.IdentitiesAnswer(blob)) : new FakeReply([], HoldOpen: true));
        using var key = await SshAgentKeys.OpenAsync(agent.EcdsaP256.Fingerprint, null, fake.Environment);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => key.SignAsync(Data, cancel.Token));
    }

    [Fact]
    public async Task SignAsync_AgentFailsButStillListsTheKey_KeyLocked()
    {
        var blob = Wire.BlobOf(agent.EcdsaP256.PublicKeyPath);
        using var fake = new FakeAgent(agent.UnusedSocketPath("refuser"),
            request => new FakeReply(request[0] == 11 ? Wire.IdentitiesAnswer(blob) : FakeAgent.Frame(5)));
        using var key = await SshAgentKeys.OpenAsync(agent.EcdsaP256.Fingerprint, null, fake.Environment);

        var e = await Assert.ThrowsAsync<CredentialException>(() => key.SignAsync(Data, CancellationToken.None));

        Assert.Equal(CredentialErrorKind.KeyLocked, e.Kind);
        Assert.Contains("refused to sign", e.Message, StringComparison.Ordinal);
        Assert.Equal(3, fake.Requests); // list, sign, list again to learn why
    }

    [Fact]
    public async Task SignAsync_RsaAnsweredWithSha1Signature_KeyUnsupported()
    {
        var blob = Wire.BlobOf(agent.Rsa2048.PublicKeyPath);
        using var fake = new FakeAgent(agent.UnusedSocketPath("sha1"),
            request => new FakeReply(request[0] == 11 ? Wire.IdentitiesAnswer(blob) : Wire.SignResponse("ssh-rsa", new byte[256])));
        using var key = await SshAgentKeys.OpenAsync(agent.Rsa2048.Fingerprint, null, fake.Environment);

        var e = await Assert.ThrowsAsync<CredentialException>(() => key.SignAsync(Data, CancellationToken.None));

        Assert.Equal(CredentialErrorKind.KeyUnsupported, e.Kind);
        Assert.Contains("signed with ssh-rsa where rsa-sha2-256 was asked for", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignAsync_RsaSignatureWithoutItsLeadingZero_PaddedToTheModulusLength()
    {
        var blob = Wire.BlobOf(agent.Rsa2048.PublicKeyPath);
        using var rsa = (RSA)agent.Rsa2048.LoadPrivateKey();
        var (data, signature) = Enumerable.Range(0, 100_000)
            .Select(i => Encoding.UTF8.GetBytes($"data {i}"))
            .Select(d => (d, rsa.SignData(d, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)))
            .First(p => p.Item2[0] == 0);
        using var fake = new FakeAgent(agent.UnusedSocketPath("short"),
            request => new FakeReply(request[0] == 11 ? Wire.IdentitiesAnswer(blob) : Wire.SignResponse("rsa-sha2-256", signature[1..])));
        using var key = await SshAgentKeys.OpenAsync(agent.Rsa2048.Fingerprint, null, fake.Environment);

        Assert.Equal(signature, await key.SignAsync(data, CancellationToken.None));
    }

    [Theory]
    [InlineData("ecdsa-sha2-nistp384", 32, "format ecdsa-sha2-nistp384")]
    [InlineData("ecdsa-sha2-nistp256", 40, "longer than 32 bytes")]
    public async Task SignAsync_MalformedEcdsaSignature_SignerUnavailable(string format, int partLength, string fault)
    {
        var blob = Wire.BlobOf(agent.EcdsaP256.PublicKeyPath);
        var part = Wire.String([0x01, .. new byte[partLength - 1]]);
        using var fake = new FakeAgent(agent.UnusedSocketPath($"ec{partLength}"),
            request => new FakeReply(request[0] == 11 ? Wire.IdentitiesAnswer(blob) : Wire.SignResponse(format, [.. part, .. part])));
        using var key = await SshAgentKeys.OpenAsync(agent.EcdsaP256.Fingerprint, null, fake.Environment);

        var e = await Assert.ThrowsAsync<CredentialException>(() => key.SignAsync(Data, CancellationToken.None));

        Assert.Equal(CredentialErrorKind.SignerUnavailable, e.Kind);
        Assert.Contains("malformed signature", e.Message, StringComparison.Ordinal);
        Assert.Contains(fault, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListIdentities_SecurityKeyAndMalformedBlobs_ListedAsUnsupportedWithReasons()
    {
        byte[] sk = [.. Wire.String("sk-ecdsa-sha2-nistp256@openssh.com"), .. Wire.String("nistp256"), .. Wire.String(new byte[65]), .. Wire.String("ssh:")];
        byte[] badPoint = [.. Wire.String("ecdsa-sha2-nistp256"), .. Wire.String("nistp256"), .. Wire.String(new byte[64])];
        byte[] wrongCurve = [.. Wire.String("ecdsa-sha2-nistp256"), .. Wire.String("nistp384"), .. Wire.String(new byte[97])];
        byte[] truncatedRsa = [.. Wire.String("ssh-rsa"), .. Wire.UInt32(3), 1, 0];
        byte[] hugeRsa = [.. Wire.String("ssh-rsa"), .. Wire.String([1, 0, 1]), .. Wire.String([0x7f, .. new byte[100_000]])];
        using var fake = new FakeAgent(agent.UnusedSocketPath("blobs"), _ => new FakeReply(Wire.IdentitiesAnswer(sk, badPoint, wrongCurve, truncatedRsa, hugeRsa)));

        var identities = SshAgentKeys.ListIdentities(fake.Environment, Short);

        Assert.Equal(5, identities.Count);
        Assert.Contains("sk-*", identities[0].Unsupported, StringComparison.Ordinal);
        Assert.Contains("uncompressed point", identities[1].Unsupported, StringComparison.Ordinal);
        Assert.Contains("names the curve nistp384", identities[2].Unsupported, StringComparison.Ordinal);
        Assert.Contains("malformed", identities[3].Unsupported, StringComparison.Ordinal);
        Assert.Contains("out of any sane range", identities[4].Unsupported, StringComparison.Ordinal);
        Assert.All(identities, i => Assert.Null(i.PublicKey));
        var e = await Assert.ThrowsAsync<CredentialException>(() => SshAgentKeys.OpenAsync(identities[0].Fingerprint, null, fake.Environment, Short));
        Assert.Equal(CredentialErrorKind.KeyUnsupported, e.Kind);
        Assert.Contains("sk-ecdsa-sha2-nistp256@openssh.com", e.Message, StringComparison.Ordinal);
    }
}
