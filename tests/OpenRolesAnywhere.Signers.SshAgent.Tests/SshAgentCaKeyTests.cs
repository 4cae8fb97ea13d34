using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.Core.Certificates;
using OpenRolesAnywhere.Core.Credentials;
using OpenRolesAnywhere.Core.RolesAnywhere;
using OpenRolesAnywhere.Core.Signing;
using OpenRolesAnywhere.TestCommon;
using OpenRolesAnywhere.TestCommon.SshAgent;

namespace OpenRolesAnywhere.Signers.SshAgent.Tests;

/// <summary>A CA's key in the agent: P-384 too, signed over SHA-384, which CreateSession still refuses.</summary>
public sealed class SshAgentCaKeyTests(SshAgentFixture agent) : IClassFixture<SshAgentFixture>
{
    private static readonly byte[] Data = Encoding.UTF8.GetBytes("tbsCertificate stand-in");

    [Fact]
    public async Task OpenCaKey_P384_SignsOverSha384AsDerVerifiedWithTheKeyFile()
    {
        var source = new SshAgentKeySource(agent.Environment);
        using var key = await source.OpenCaKeyAsync(new KeySourceOptions { SshFingerprint = agent.EcdsaP384.Fingerprint }, CancellationToken.None);
        using var ec = agent.EcdsaP384.PublicKey!.GetECDsaPublicKey()!;

        var signature = await key.SignAsync(Data, CancellationToken.None);

        Assert.Equal((SigningKeyKind.EcdsaP384, HashAlgorithmName.SHA384), (key.Kind, key.SignatureHash));
        Assert.True(ec.VerifyData(Data, signature, HashAlgorithmName.SHA384, DSASignatureFormat.Rfc3279DerSequence));
        Assert.False(ec.VerifyData(Data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
    }

    [Fact]
    public async Task OpenCaKey_P384_CertificateRequestSignsEcdsaWithSha384ThatVerifies()
    {
        using var key = await SshAgentKeys.OpenCaKeyAsync(agent.EcdsaP384.Fingerprint, agent.Environment);
        var generator = new SigningKeySignatureGenerator(key);
        var request = new CertificateRequest(new X500DistinguishedName("CN=agent CA"), key.PublicKey, HashAlgorithmName.SHA384);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));

        using var ca = request.Create(request.SubjectName, generator, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1), [1]);

        Assert.Equal("1.2.840.10045.4.3.3", ca.SignatureAlgorithm.Value);
        using var chain = new X509Chain { ChainPolicy = { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck } };
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        Assert.True(chain.Build(ca), string.Join(", ", chain.ChainStatus.Select(s => s.StatusInformation)));
        Assert.Throws<ArgumentException>(() => generator.GetSignatureAlgorithmIdentifier(HashAlgorithmName.SHA256));
    }

    [Fact]
    public async Task OpenCaKey_Ed25519_StillKeyUnsupported()
    {
        var e = await Assert.ThrowsAsync<CredentialException>(() => SshAgentKeys.OpenCaKeyAsync(agent.Ed25519.Fingerprint, agent.Environment));

        Assert.Equal(CredentialErrorKind.KeyUnsupported, e.Kind);
        Assert.Contains("Ed25519", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenCaKey_P256_SignsOverSha256AsBefore()
    {
        using var key = await SshAgentKeys.OpenCaKeyAsync(agent.EcdsaP256.Fingerprint, agent.Environment);
        using var ec = agent.EcdsaP256.PublicKey!.GetECDsaPublicKey()!;

        var signature = await key.SignAsync(Data, CancellationToken.None);

        Assert.Equal(HashAlgorithmName.SHA256, key.SignatureHash);
        Assert.True(ec.VerifyData(Data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
    }

    [Fact]
    public async Task CreateSessionCheck_CaP384AgentKeyWithItsCertificate_KeyUnsupportedSayingSha384()
    {
        using var key = await SshAgentKeys.OpenCaKeyAsync(agent.EcdsaP384.Fingerprint, agent.Environment);
        using var pki = TestPki.Create("CaKey");
        var certificate = new CertificateBundle(pki.Issue(key.PublicKey, "p384-in-agent"), []);

        var e = Assert.Throws<CredentialException>(() => RolesAnywhereClient.EnsureKeyFitsCertificate(certificate, key));

        Assert.Equal(CredentialErrorKind.KeyUnsupported, e.Kind);
        Assert.Contains("SHA384", e.Message, StringComparison.Ordinal);
        Assert.Contains(agent.EcdsaP384.Fingerprint, e.Message, StringComparison.Ordinal);
    }
}
