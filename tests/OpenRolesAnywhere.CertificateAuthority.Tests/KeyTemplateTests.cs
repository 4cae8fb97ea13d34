using OpenRolesAnywhere.TestCommon;

namespace OpenRolesAnywhere.CertificateAuthority.Tests;

/// <summary>key.yml stays the key the CA code expects, with a policy narrower than kms:* for the account.</summary>
public sealed class KeyTemplateTests
{
    private static readonly string Template = File.ReadAllText(Path.Combine(ProcessRunner.RepositoryRoot(), "key.yml"));

    [Fact]
    public void KeyTemplate_Key_P256SignVerifyWithTheArnAsOutput()
    {
        Assert.Contains("KeySpec: ECC_NIST_P256", Template, StringComparison.Ordinal);
        Assert.Contains("KeyUsage: SIGN_VERIFY", Template, StringComparison.Ordinal);
        Assert.Contains("Value: !GetAtt Key.Arn", Template, StringComparison.Ordinal);
    }

    [Fact]
    public void KeyTemplate_Policy_NoWildcardActionsAndSigningLimitedToDigests()
    {
        Assert.DoesNotContain("kms:*", Template, StringComparison.Ordinal);
        Assert.DoesNotContain(":root", Template, StringComparison.Ordinal);
        Assert.Contains("kms:GetPublicKey", Template, StringComparison.Ordinal);
        Assert.Contains("kms:MessageType: DIGEST", Template, StringComparison.Ordinal);
        Assert.Contains("kms:SigningAlgorithm: ECDSA_SHA_256", Template, StringComparison.Ordinal);
    }
}
