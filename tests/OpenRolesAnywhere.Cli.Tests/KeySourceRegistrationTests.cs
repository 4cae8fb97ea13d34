using OpenRolesAnywhere.Cli.Keys;
using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.Core.Credentials;
using OpenRolesAnywhere.Core.KeySources;
using OpenRolesAnywhere.Signers.Pkcs11;
using OpenRolesAnywhere.Signers.SshAgent;

namespace OpenRolesAnywhere.Cli.Tests;

/// <summary>Which registered backend takes which reference, decided from the text alone.</summary>
public sealed class KeySourceRegistrationTests
{
    private static readonly KeySourceProviders Keys = KeySourceRegistration.Create(new CliEnvironment(_ => null, TimeProvider.System), TextWriter.Null);

    [Theory]
    [InlineData("pkcs11:token=t;object=k", typeof(Pkcs11KeySource))]
    [InlineData("PKCS11:object=k?pin-value=1", typeof(Pkcs11KeySource))]
    [InlineData("/etc/ora/workload.key", typeof(FileKeySource))]
    [InlineData("workload.key", typeof(FileKeySource))]
    [InlineData(null, typeof(SshAgentKeySource))]
    public void ForKey_Reference_TheBackendThatReadsIt(string? privateKey, Type expected)
    {
        Assert.IsType(expected, Keys.ForKey(new KeySourceOptions { PrivateKey = privateKey, SshFingerprint = privateKey is null ? "SHA256:abc" : null }));
    }

    [Theory]
    [InlineData("pkcs11:object=c;type=cert", typeof(Pkcs11KeySource))]
    [InlineData("/etc/ora/workload.pem", typeof(FileKeySource))]
    public void ForCertificate_Reference_TheBackendThatHoldsIt(string reference, Type expected)
    {
        Assert.IsType(expected, Keys.ForCertificate(reference));
    }

    [Fact]
    public void ForKey_UnknownScheme_InvalidInputListingTheBackendsWithoutTheRest()
    {
        var e = Assert.Throws<CredentialException>(() => Keys.ForKey(new KeySourceOptions { PrivateKey = "keychain:login/workload?password=hunter2" }));

        Assert.Equal(CredentialErrorKind.InvalidInput, e.Kind);
        Assert.Contains("'keychain:...'", e.Message, StringComparison.Ordinal);
        Assert.Contains("pkcs11:", e.Message, StringComparison.Ordinal);
        Assert.Contains("PEM private key file", e.Message, StringComparison.Ordinal);
        Assert.Contains("SSH agent", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ForCertificate_UnknownScheme_InvalidInputNamingTheScheme()
    {
        var e = Assert.Throws<CredentialException>(() => Keys.ForCertificate("https://example.com/workload.pem"));

        Assert.Equal(CredentialErrorKind.InvalidInput, e.Kind);
        Assert.Contains("certificate 'https:...'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DescribeKey_Pkcs11KeyWithPin_LeavesThePinOut()
    {
        var options = new KeySourceOptions { PrivateKey = "pkcs11:token=t;object=k?module-path=/m.so&pin-value=9876" };

        Assert.DoesNotContain("9876", Keys.DescribeKey(options), StringComparison.Ordinal);
    }
}
