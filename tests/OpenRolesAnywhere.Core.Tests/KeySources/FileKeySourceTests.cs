using OpenRolesAnywhere.Core.Credentials;
using OpenRolesAnywhere.Core.KeySources;
using OpenRolesAnywhere.Core.Signing;
using OpenRolesAnywhere.TestCommon;

namespace OpenRolesAnywhere.Core.Tests.KeySources;

public sealed class FileKeySourceTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task OpenAsync_EncryptedKeyWithPasswordVariable_OpensThatKey()
    {
        using var key = TestKeys.Create("p256");
        var path = TestKeys.WritePkcs8(key, _temp.File("workload.key"), password: "s3cret");
        var provider = new FileKeySource(name => name == "ORA_PASSWORD" ? "s3cret" : null, prompt: null);

        using var opened = await provider.OpenAsync(new KeySourceOptions { PrivateKey = path, PasswordEnvironmentVariable = "ORA_PASSWORD" }, null, CancellationToken.None);

        Assert.True(PublicKeys.AreEqual(TestKeys.PublicKeyOf(key), opened.PublicKey));
    }

    [Fact]
    public async Task OpenAsync_PasswordVariableUnset_KeyLockedNamingTheVariable()
    {
        using var key = TestKeys.Create("p256");
        var path = TestKeys.WritePkcs8(key, _temp.File("workload.key"), password: "s3cret");
        var provider = new FileKeySource(_ => null, prompt: _ => "never asked");

        var e = await Assert.ThrowsAsync<CredentialException>(() =>
            provider.OpenAsync(new KeySourceOptions { PrivateKey = path, PasswordEnvironmentVariable = "ORA_PASSWORD" }, null, CancellationToken.None).AsTask());

        Assert.Equal(CredentialErrorKind.KeyLocked, e.Kind);
        Assert.Contains("ORA_PASSWORD", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("relative/workload.key", true)]
    [InlineData("/etc/ora/workload.key", true)]
    [InlineData("C:workload.key", true)]
    [InlineData("pkcs11:object=k", false)]
    [InlineData("keychain:workload", false)]
    public void HandlesKey_Reference_OnlyWhatIsNotAUri(string reference, bool handled)
    {
        Assert.Equal(handled, new FileKeySource(_ => null, null).HandlesKey(new KeySourceOptions { PrivateKey = reference }));
    }

    [Fact]
    public void HandlesKey_ExistingRelativeFileNamedLikeAUri_IsAFile()
    {
        // Relative to the working directory, so the name itself starts like a scheme.
        var name = $"ora{Guid.NewGuid():N}:workload.key";
        var provider = new FileKeySource(_ => null, null);
        Assert.False(provider.HandlesKey(new KeySourceOptions { PrivateKey = name }));
        File.WriteAllText(name, "");
        try
        {
            Assert.True(provider.HandlesKey(new KeySourceOptions { PrivateKey = name }));
            Assert.True(provider.HandlesCertificate(name));
        }
        finally
        {
            File.Delete(name);
        }
    }

    [Fact]
    public void HandlesKey_AgentKey_NotAFile()
    {
        Assert.False(new FileKeySource(_ => null, null).HandlesKey(new KeySourceOptions { SshFingerprint = "SHA256:abc" }));
    }
}
