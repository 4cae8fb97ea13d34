using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using OpenRolesAnywhere.Core.Signing;
using OpenRolesAnywhere.TestCommon.SshAgent;

namespace OpenRolesAnywhere.Signers.SshAgent.Tests;

public sealed class SshAgentSigningTests(SshAgentFixture agent) : IClassFixture<SshAgentFixture>
{
    private static readonly byte[] StringToSign = Encoding.UTF8.GetBytes(
        "AWS4-X509-RSA-SHA256\n20261124T055200Z\n20261124/us-east-1/rolesanywhere/aws4_request\n" + new string('a', 64));

    [Theory]
    [InlineData("rsa2048", SigningKeyKind.Rsa)]
    [InlineData("rsa3072", SigningKeyKind.Rsa)]
    [InlineData("p256", SigningKeyKind.EcdsaP256)]
    public async Task SignAsync_UsableKey_SignatureVerifiesWithDotNetAgainstTheKeyFile(string name, SigningKeyKind kind)
    {
        var key = Key(name);
        using var signingKey = await SshAgentKeys.OpenAsync(key.Fingerprint, null, agent.Environment);

        var signature = await signingKey.SignAsync(StringToSign, CancellationToken.None);

        Assert.Equal(kind, signingKey.Kind);
        Assert.True(Verify(key.PublicKey!, StringToSign, signature), $"signature by {key}");
        Assert.False(Verify(key.PublicKey!, [.. StringToSign, (byte)'x'], signature), "a signature must not verify for other data");
    }

    [Fact]
    public async Task SignAsync_Rsa_IsDeterministicPkcs1Sha256LikeDotNetWithTheKeyFile()
    {
        using var signingKey = await SshAgentKeys.OpenAsync(agent.Rsa3072.Fingerprint, null, agent.Environment);
        using var rsa = (RSA)agent.Rsa3072.LoadPrivateKey();

        var signature = await signingKey.SignAsync(StringToSign, CancellationToken.None);

        Assert.Equal(rsa.SignData(StringToSign, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1), signature);
    }

    [Fact]
    public async Task SignAsync_P256_IsDerSequenceOfTwoIntegers()
    {
        using var signingKey = await SshAgentKeys.OpenAsync(agent.EcdsaP256.Fingerprint, null, agent.Environment);

        for (var i = 0; i < 20; i++)
        {
            var signature = await signingKey.SignAsync(StringToSign, CancellationToken.None);

            // SEQUENCE { INTEGER r, INTEGER s }: .NET's DER reader refuses any other shape.
            using var ec = agent.EcdsaP256.PublicKey!.GetECDsaPublicKey()!;
            Assert.Equal(0x30, signature[0]);
            Assert.True(ec.VerifyData(StringToSign, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
        }
    }

    [Fact]
    public async Task SignAsync_ManyInARow_EachOnItsOwnConnection()
    {
        using var signingKey = await SshAgentKeys.OpenAsync(agent.Rsa2048.Fingerprint, null, agent.Environment);

        var signatures = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => signingKey.SignAsync(StringToSign, CancellationToken.None)));

        Assert.All(signatures, s => Assert.True(Verify(agent.Rsa2048.PublicKey!, StringToSign, s)));
    }

    [Theory]
    [InlineData("rsa2048")]
    [InlineData("p256")]
    public async Task SigningKeySignatureGenerator_AgentKey_MakesACsrDotNetVerifies(string name)
    {
        using var signingKey = await SshAgentKeys.OpenAsync(Key(name).Fingerprint, null, agent.Environment);
        var request = new CertificateRequest(new X500DistinguishedName("CN=agent"), signingKey.PublicKey, HashAlgorithmName.SHA256);

        var csr = request.CreateSigningRequest(new SigningKeySignatureGenerator(signingKey));

        // LoadSigningRequest checks the proof-of-possession signature by default.
        var loaded = CertificateRequest.LoadSigningRequest(csr, HashAlgorithmName.SHA256);
        Assert.True(PublicKeys.AreEqual(Key(name).PublicKey!, loaded.PublicKey));
    }

    [Fact]
    public async Task Description_AgentKey_NamesFingerprintTypeAndComment()
    {
        using var signingKey = await SshAgentKeys.OpenAsync(agent.EcdsaP256.Fingerprint, null, agent.Environment);

        Assert.Equal($"SSH agent key {agent.EcdsaP256.Fingerprint} (ecdsa-sha2-nistp256, {agent.EcdsaP256.Comment})", signingKey.Description);
    }

    private SshTestKey Key(string name) => name switch
    {
        "rsa2048" => agent.Rsa2048,
        "rsa3072" => agent.Rsa3072,
        "p256" => agent.EcdsaP256,
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    internal static bool Verify(PublicKey key, byte[] data, byte[] signature)
    {
        using var rsa = key.GetRSAPublicKey();
        if (rsa is not null)
        {
            return rsa.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }

        using var ec = key.GetECDsaPublicKey()!;
        return ec.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
    }
}
