using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Amazon.Runtime;
using OpenRolesAnywhere.CertificateAuthority.Aws;
using OpenRolesAnywhere.CertificateAuthority.Kms;
using OpenRolesAnywhere.CertificateAuthority.Tests.Support;
using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.Core.SigV4;

namespace OpenRolesAnywhere.CertificateAuthority.Tests.Kms;

/// <summary>The KMS-backed signer, driven through the real AWSSDK.KeyManagementService client against the verifying fake.</summary>
public sealed class KmsSignatureGeneratorTests : AdminHarnessTest
{
    [Theory]
    [InlineData("id")]
    [InlineData("arn")]
    [InlineData("alias")]
    [InlineData("alias-arn")]
    public async Task OpenAsync_AnyFormOfKeyId_FindsTheKeyArn(string form)
    {
        var key = Harness.Kms.AddKey(alias: "ca-key");
        var keyId = form switch
        {
            "id" => key.Id,
            "arn" => key.Arn,
            "alias" => "alias/ca-key",
            _ => Harness.Kms.AliasArn("ca-key"),
        };

        var generator = await OpenAsync(keyId);

        Assert.Equal(key.Arn, generator.KeyArn);
        Assert.Equal(key.SubjectPublicKeyInfo, generator.KeyPublicKey.ExportSubjectPublicKeyInfo());
        Assert.Contains(Harness.Kms.Calls, c => c.Operation == "DescribeKey" && c.KeyId == keyId && c.Accepted);
    }

    [Theory]
    [InlineData("ECC_NIST_P256", "1.2.840.10045.4.3.2")]
    [InlineData("ECC_NIST_P384", "1.2.840.10045.4.3.3")]
    [InlineData("RSA_2048", "1.2.840.113549.1.1.11")]
    public async Task SignData_EachKeySpec_SignatureVerifiesWithThePublicKey(string keySpec, string signatureOid)
    {
        var key = Harness.Kms.AddKey(keySpec);
        var generator = await OpenAsync(key.Arn);
        var data = RandomNumberGenerator.GetBytes(200);

        var signature = generator.SignData(data, generator.HashAlgorithm);

        var request = new CertificateRequest(new X500DistinguishedName("CN=probe"), generator.KeyPublicKey, generator.HashAlgorithm);
        using var certificate = request.Create(new X500DistinguishedName("CN=probe"), generator, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(1), [1]);
        Assert.Equal(signatureOid, certificate.SignatureAlgorithm.Value);
        Assert.True(keySpec.StartsWith("RSA", StringComparison.Ordinal)
            ? generator.KeyPublicKey.GetRSAPublicKey()!.VerifyData(data, signature, generator.HashAlgorithm, RSASignaturePadding.Pkcs1)
            : generator.KeyPublicKey.GetECDsaPublicKey()!.VerifyData(data, signature, generator.HashAlgorithm, DSASignatureFormat.Rfc3279DerSequence));
    }

    [Theory]
    [InlineData("RSA_2048", "ENCRYPT_DECRYPT")]
    [InlineData("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT")]
    public async Task OpenAsync_KeyNotForSigning_RefusedNamingSignVerify(string keySpec, string usage)
    {
        var key = Harness.Kms.AddKey(keySpec, usage);

        var error = await Assert.ThrowsAsync<CredentialException>(() => OpenAsync(key.Id));

        Assert.Equal(CredentialErrorKind.KeyUnsupported, error.Kind);
        Assert.Contains("SIGN_VERIFY", error.Message, StringComparison.Ordinal);
        Assert.Contains("key.yml", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAsync_UnsupportedCurve_Refused()
    {
        var key = Harness.Kms.AddKey("ECC_NIST_P521");

        var error = await Assert.ThrowsAsync<CredentialException>(() => OpenAsync(key.Id));

        Assert.Equal(CredentialErrorKind.KeyUnsupported, error.Kind);
        Assert.Contains("ECC_NIST_P521", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Disabled")]
    [InlineData("PendingDeletion")]
    public async Task OpenAsync_KeyNotEnabled_RefusedWithHowToEnable(string state)
    {
        var key = Harness.Kms.AddKey();
        key.KeyState = state;

        var error = await Assert.ThrowsAsync<CredentialException>(() => OpenAsync(key.Id));

        Assert.Equal(CredentialErrorKind.KeyLocked, error.Kind);
        Assert.Contains(state, error.Message, StringComparison.Ordinal);
        Assert.Contains("aws kms enable-key", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Harness.Kms.Calls, c => c.Operation is "GetPublicKey" or "Sign");
    }

    [Fact]
    public async Task OpenAsync_KeyPolicyDeniesDescribeKey_AccessDeniedNamingThePermissions()
    {
        var key = Harness.Kms.AddKey();
        key.DeniedOperations.Add("DescribeKey");

        var error = await Assert.ThrowsAsync<CredentialException>(() => OpenAsync(key.Id));

        Assert.Equal(CredentialErrorKind.AccessDenied, error.Kind);
        Assert.Contains("kms:DescribeKey", error.Message, StringComparison.Ordinal);
        Assert.Contains("key policy", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignData_KeyPolicyDeniesSign_AccessDenied()
    {
        var key = Harness.Kms.AddKey();
        key.DeniedOperations.Add("Sign");
        var generator = await OpenAsync(key.Id);

        var error = Assert.Throws<CredentialException>(() => generator.SignData([1, 2, 3], generator.HashAlgorithm));

        Assert.Equal(CredentialErrorKind.AccessDenied, error.Kind);
        Assert.Contains("kms:Sign", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("alias/missing")]
    [InlineData("1234abcd-12ab-34cd-56ef-1234567890ab")]
    public async Task OpenAsync_UnknownKey_NotFoundNamingTheKey(string keyId)
    {
        var error = await Assert.ThrowsAsync<CredentialException>(() => OpenAsync(keyId));

        Assert.Equal(CredentialErrorKind.NotFound, error.Kind);
        Assert.Contains(keyId, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAsync_WrongSecret_TheFakeRefusesTheSignature()
    {
        var key = Harness.Kms.AddKey();
        var settings = Harness.Settings(new BasicAWSCredentials(AdminHarness.AccessKeyId, "not-the-secret"));
        using var kms = AwsResolution.CreateKmsClient(settings, AdminHarness.Region, settings.Credentials!);

        var error = await Assert.ThrowsAsync<CredentialException>(() => KmsSignatureGenerator.OpenAsync(kms, key.Id, CancellationToken.None));

        Assert.Equal(CredentialErrorKind.AccessDenied, error.Kind);
        Assert.Contains("credentials", error.Message, StringComparison.Ordinal);
        Assert.Contains(Harness.Kms.Calls, c => c.ErrorCode == "InvalidSignatureException");
    }

    [Theory]
    [InlineData("AWS_ENDPOINT_URL_KMS")]
    [InlineData("AWS_ENDPOINT_URL")]
    public async Task CreateKmsClient_EndpointFromEnvironment_ReachesIt(string variable)
    {
        var key = Harness.Kms.AddKey();
        var settings = Harness.Settings() with
        {
            KmsEndpoint = null,
            Environment = name => name == variable ? Harness.Kms.Endpoint.ToString() : null,
        };
        using var kms = AwsResolution.CreateKmsClient(settings, AdminHarness.Region, settings.Credentials!);

        var generator = await KmsSignatureGenerator.OpenAsync(kms, key.Id, CancellationToken.None);

        Assert.Equal(key.Arn, generator.KeyArn);
    }

    [Fact]
    public async Task OpenAsync_KmsUnreachable_NetworkErrorNamingTheEndpointVariable()
    {
        var settings = Harness.Settings() with { KmsEndpoint = "http://127.0.0.1:9" };
        using var kms = AwsResolution.CreateKmsClient(settings, AdminHarness.Region, settings.Credentials!);

        var error = await Assert.ThrowsAsync<CredentialException>(() => KmsSignatureGenerator.OpenAsync(kms, "alias/ca", CancellationToken.None));

        Assert.Equal(CredentialErrorKind.Network, error.Kind);
        Assert.Contains("DescribeKey", error.Message, StringComparison.Ordinal);
    }

    // The double must check as KMS does; these drive it directly.
    [Theory]
    [InlineData(false, true, "MissingAuthenticationTokenException")]
    [InlineData(true, true, "InvalidSignatureException")]
    [InlineData(true, false, null)]
    public async Task FakeKms_UnsignedOrBodyChangedAfterSigning_Refused(bool sign, bool tamper, string? expected)
    {
        var key = Harness.Kms.AddKey();
        var signedBody = Encoding.UTF8.GetBytes($"{{\"KeyId\":\"{key.Id}\"}}");
        var endpoint = Harness.Kms.Endpoint;
        using var message = new HttpRequestMessage(HttpMethod.Post, endpoint);
        message.Headers.TryAddWithoutValidation("X-Amz-Target", "TrentService.DescribeKey");
        if (sign)
        {
            var signable = new SignableRequest("POST", "/")
                .AddHeader("Host", $"{endpoint.Host}:{endpoint.Port}")
                .AddHeader("Content-Type", "application/x-amz-json-1.1")
                .AddHeader("X-Amz-Target", "TrentService.DescribeKey")
                .SetBody(signedBody);
            var signature = HmacSigner.SignHeaders(signable, new AwsCredentials(AdminHarness.AccessKeyId, AdminHarness.SecretAccessKey),
                new CredentialScope(DateTimeOffset.UtcNow, AdminHarness.Region, "kms"));
            message.Headers.TryAddWithoutValidation("X-Amz-Date", signable.Headers.Single(h => h.Key == "X-Amz-Date").Value);
            message.Headers.TryAddWithoutValidation("Authorization", signature.AuthorizationHeader);
        }

        message.Content = new ByteArrayContent(tamper ? Encoding.UTF8.GetBytes($"{{\"KeyId\":\"{key.Arn}\"}}") : signedBody);
        message.Content.Headers.ContentType = new("application/x-amz-json-1.1");

        using var response = await Harness.Http.SendAsync(message);

        // The untampered request is the control: it proves the refusals are about the signature alone.
        Assert.Equal(expected is null, response.IsSuccessStatusCode);
        Assert.Contains(expected ?? key.Arn, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public void KmsEndpoint_NotAUrl_ClearError()
    {
        var settings = new AwsSettings { KmsEndpoint = "kms.example" };

        var error = Assert.Throws<CredentialException>(() => AwsResolution.KmsEndpoint(settings));

        Assert.Equal(CredentialErrorKind.InvalidInput, error.Kind);
        Assert.Contains("kms.example", error.Message, StringComparison.Ordinal);
    }

    private async Task<KmsSignatureGenerator> OpenAsync(string keyId)
    {
        var settings = Harness.Settings();
        var kms = AwsResolution.CreateKmsClient(settings, AdminHarness.Region, settings.Credentials!);
        return await KmsSignatureGenerator.OpenAsync(kms, keyId, CancellationToken.None);
    }
}
