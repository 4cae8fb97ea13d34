using OpenRolesAnywhere.Core.Credentials;

namespace OpenRolesAnywhere.Core.Tests.Credentials;

public sealed class KeySourceOptionsTests
{
    [Theory]
    [InlineData("pkcs11:object=k?module-path=/m.so&pin-value=1234", "pkcs11:object=k?module-path=/m.so")]
    [InlineData("pkcs11:object=k?pin-value=1234&module-path=/m.so", "pkcs11:object=k?module-path=/m.so")]
    [InlineData("pkcs11:object=k?pin-value=1234", "pkcs11:object=k")]
    [InlineData("pkcs11:object=k;pin-value=1234", "pkcs11:object=k")]
    [InlineData("pkcs11:object=k?pin-source=file:/p", "pkcs11:object=k?pin-source=file:/p")]
    [InlineData("pkcs11:object=k?pin-value=12&34&module-path=/m.so", "pkcs11:object=k?module-path=/m.so")]
    public void StripPin_PinValueAnywhere_Removed(string uri, string expected)
    {
        Assert.Equal(expected, KeySourceOptions.StripPin(uri));
    }

    [Fact]
    public void Describe_Pkcs11KeyWithPin_LeavesThePinOut()
    {
        var options = new KeySourceOptions { PrivateKey = "pkcs11:token=t;object=k?module-path=/m.so&pin-value=9876" };

        Assert.DoesNotContain("9876", options.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void CacheKey_Pkcs11Certificate_KeptAsUriWithoutPin()
    {
        var options = new CredentialSourceOptions { Key = new KeySourceOptions { PrivateKey = "pkcs11:object=k?pin-value=9876" } };
        var request = new Core.RolesAnywhere.CreateSessionRequest(
            "arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/a", "arn:aws:rolesanywhere:us-east-1:123456789012:profile/p",
            "arn:aws:iam::123456789012:role/r", TimeSpan.FromHours(1), null, null, null);

        var key = options.CacheKey(request, "pkcs11:object=c;type=cert?pin-value=9876");

        Assert.DoesNotContain("9876", key, StringComparison.Ordinal);
        Assert.StartsWith("pkcs11:object=c;type=cert\n", key, StringComparison.Ordinal);
    }
}
