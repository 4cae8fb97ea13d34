using System.Security.Cryptography.X509Certificates;
using System.Text;
using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.Core.Certificates;
using OpenRolesAnywhere.Core.Credentials;
using OpenRolesAnywhere.Core.RolesAnywhere;
using OpenRolesAnywhere.Core.Signing;
using OpenRolesAnywhere.Signers.Pkcs11.Tests.SoftHsm;
using OpenRolesAnywhere.TestCommon;
using OpenRolesAnywhere.TestCommon.Pkcs11;

namespace OpenRolesAnywhere.Signers.Pkcs11.Tests.Tpm;

/// <summary>The TPM module's variables are process-wide: its tests run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TpmTests : ICollectionFixture<LazySwtpmFixture>
{
    public const string Name = "TPM";
}

[Collection(TpmTests.Name)]
public sealed class TpmSigningTests
{
    private static readonly byte[] Data = Encoding.UTF8.GetBytes("AWS4-X509-ECDSA-SHA256\n20261124T060000Z\n20261124/us-east-1/rolesanywhere/aws4_request\ntpm");
    private readonly LazySwtpmFixture _tpm;

    public TpmSigningTests(LazySwtpmFixture tpm)
    {
        _tpm = tpm;
    }

    [SwtpmFact]
    public async Task SignAsync_P256KeyInTpm_SamePkcs11PathAndVerifiesWithDotNet()
    {
        using var pki = TestPki.Create("TPM");
        using var certificate = pki.Issue(_tpm.Tpm.P256PublicKey, "tpm-p256");
        using var key = Pkcs11SigningKeyTests.Source().OpenKey(SwtpmFixture.Uri("p256"), new KeySourceOptions());

        var signature = await key.SignAsync(Data, CancellationToken.None);

        Assert.Equal(SigningKeyKind.EcdsaP256, key.Kind);
        Assert.Equal("CKM_ECDSA", key.Mechanism);
        Assert.Contains(SwtpmFixture.TokenLabel, key.Description, StringComparison.Ordinal);
        Assert.True(Pkcs11SigningKeyTests.Verify(certificate, Data, signature));
        using var bundle = new CertificateBundle(X509CertificateLoader.LoadCertificate(certificate.RawData), []);
        RolesAnywhereClient.EnsureKeyFitsCertificate(bundle, key);
    }

    [SwtpmFact]
    public async Task SignAsync_RsaKeyInTpm_VerifiesWithDotNet()
    {
        using var pki = TestPki.Create("TPM");
        using var certificate = pki.Issue(_tpm.Tpm.RsaPublicKey, "tpm-rsa");
        using var key = Pkcs11SigningKeyTests.Source().OpenKey(SwtpmFixture.Uri("rsa"), new KeySourceOptions());

        var signature = await key.SignAsync(Data, CancellationToken.None);

        Assert.Equal(SigningKeyKind.Rsa, key.Kind);
        Assert.True(Pkcs11SigningKeyTests.Verify(certificate, Data, signature));
    }

    [SwtpmFact]
    public void CertificateRequest_SignedInTpm_SignatureChecksOut()
    {
        var tpm = _tpm.Tpm;
        using var key = Pkcs11SigningKeyTests.Source().OpenKey(SwtpmFixture.Uri("p256"), new KeySourceOptions());
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest(
            new X500DistinguishedName("CN=tpm-user"), key.PublicKey, System.Security.Cryptography.HashAlgorithmName.SHA256);

        var pem = request.CreateSigningRequestPem(new SigningKeySignatureGenerator(key));

        var loaded = System.Security.Cryptography.X509Certificates.CertificateRequest.LoadSigningRequestPem(pem, System.Security.Cryptography.HashAlgorithmName.SHA256);
        Assert.True(PublicKeys.AreEqual(tpm.P256PublicKey, loaded.PublicKey));
    }
}

/// <summary>A TPM of its own: dictionary-attack lockout is TPM-wide and would stop the other TPM tests.</summary>
[Collection(TpmTests.Name)]
public sealed class TpmLockoutTests
{
    private readonly LazySwtpmFixture _shared;

    public TpmLockoutTests(LazySwtpmFixture shared)
    {
        _shared = shared;
    }

    [SwtpmFact]
    public void OpenKey_WrongPinsUntilLockout_IncorrectThenLockedEvenForTheRightPin()
    {
        using (var tpm = new SwtpmFixture())
        {
            var withoutPin = SwtpmFixture.Uri("p256").Replace($"pin-value={SwtpmFixture.Pin}", "pin-value=", StringComparison.Ordinal);
            // Four different wrong PINs: the same one would not be offered twice.
            var wrong = new[] { "1111", "2222", "3333", "4444" }
                .Select(pin => Assert.Throws<CredentialException>(() => Pkcs11SigningKeyTests.Source().OpenKey(withoutPin + pin, new KeySourceOptions())))
                .ToList();
            var right = Assert.Throws<CredentialException>(() => Pkcs11SigningKeyTests.Source().OpenKey(SwtpmFixture.Uri("p256"), new KeySourceOptions()));

            // swtpm locks out after three failures; tpm2-pkcs11 then answers CKR_PIN_LOCKED, even to the right PIN.
            Assert.All(wrong.Take(3), e => Assert.Contains("is incorrect", e.Message, StringComparison.Ordinal));
            Assert.All(new[] { wrong[3], right }, e =>
            {
                Assert.Equal(CredentialErrorKind.KeyLocked, e.Kind);
                Assert.Contains("dictionary-attack lockout", e.Message, StringComparison.Ordinal);
            });
            Assert.All(wrong, e => Assert.DoesNotContain("pin-value", e.Message, StringComparison.Ordinal));
        }

        _shared.Tpm.Activate();
    }
}
