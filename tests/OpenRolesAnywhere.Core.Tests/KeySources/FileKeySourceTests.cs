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

    [Theory]
    [InlineData("env:ORA_KEY")]
    [InlineData("-")]
    public void HandlesKey_InlineReference_HandledAndDescribedByItsName(string reference)
    {
        var provider = new FileKeySource(_ => "-----BEGIN PRIVATE KEY-----secret", null, () => "-----BEGIN PRIVATE KEY-----secret");
        var options = new KeySourceOptions { PrivateKey = reference };

        Assert.True(provider.HandlesKey(options));
        Assert.True(provider.HandlesCertificate(reference));
        Assert.Equal(reference, provider.DescribeKey(options));
        Assert.Equal(reference, provider.WithoutSecrets(options).PrivateKey);
    }

    [Fact]
    public async Task OpenAsync_KeyInVariable_OpensThatKey()
    {
        using var key = TestKeys.Create("rsa2048");
        var pem = File.ReadAllText(TestKeys.WritePkcs8(key, _temp.File("k.pem")));
        var provider = new FileKeySource(name => name == "ORA_KEY" ? pem : null, null);

        using var opened = await provider.OpenAsync(new KeySourceOptions { PrivateKey = "env:ORA_KEY" }, null, CancellationToken.None);

        Assert.True(PublicKeys.AreEqual(TestKeys.PublicKeyOf(key), opened.PublicKey));
        Assert.Contains("ORA_KEY", opened.Description, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("env:ORA_KEY", "The private key in the environment variable ORA_KEY is encrypted: ")]
    [InlineData("-", "The private key in standard input is encrypted: ")]
    public async Task OpenAsync_EncryptedInlineKeyWithoutPassword_NamesWhereTheKeyCameFromNotAFile(string reference, string expected)
    {
        using var key = TestKeys.Create("p256");
        var pem = File.ReadAllText(TestKeys.WritePkcs8(key, _temp.File("k.pem"), password: "s3cret"));
        var provider = new FileKeySource(name => name == "ORA_KEY" ? pem : null, prompt: null, () => pem);

        var e = await Assert.ThrowsAsync<CredentialException>(() => provider.OpenAsync(new KeySourceOptions { PrivateKey = reference }, null, CancellationToken.None).AsTask());

        Assert.Equal(CredentialErrorKind.KeyLocked, e.Kind);
        Assert.StartsWith(expected, e.Message, StringComparison.Ordinal);
        Assert.Contains("--private-key-password-env", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("file", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAsync_InlineKeyWrongPasswordNoKeyOrOpenSsh_EachMessageNamesTheVariableNotAFile()
    {
        using var key = TestKeys.Create("p256");
        var encrypted = File.ReadAllText(TestKeys.WritePkcs8(key, _temp.File("k.pem"), password: "s3cret"));
        var texts = new Dictionary<string, string>
        {
            ["ENCRYPTED"] = encrypted,
            ["NOKEY"] = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
            ["OPENSSH"] = "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n",
        };
        string? asked = null;
        var provider = new FileKeySource(name => texts.GetValueOrDefault(name), prompt: p =>
        {
            asked = p;
            return "wrong-guess";
        });

        async Task<CredentialException> Refused(string variable) => await Assert.ThrowsAsync<CredentialException>(() =>
            provider.OpenAsync(new KeySourceOptions { PrivateKey = "env:" + variable }, null, CancellationToken.None).AsTask());
        var wrongPassword = await Refused("ENCRYPTED");
        var noKey = await Refused("NOKEY");
        var openSsh = await Refused("OPENSSH");

        Assert.Equal("Password for the private key in the environment variable ENCRYPTED: ", asked);
        Assert.StartsWith("Cannot decrypt the private key in the environment variable ENCRYPTED: the password is wrong, or it holds", wrongPassword.Message, StringComparison.Ordinal);
        Assert.StartsWith("The environment variable NOKEY holds no RSA or EC private key", noKey.Message, StringComparison.Ordinal);
        Assert.Equal(CredentialErrorKind.KeyUnsupported, noKey.Kind);
        Assert.StartsWith("The private key in the environment variable OPENSSH is in OpenSSH's own format", openSsh.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("ssh-add env:", openSsh.Message, StringComparison.Ordinal);
        Assert.All(new[] { wrongPassword, noKey, openSsh }, e => Assert.DoesNotContain("file env:", e.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void LoadCertificate_StandardInputAskedTwice_ReadOnce()
    {
        using var pki = TestPki.Create();
        using var key = TestKeys.Create("p256");
        using var leaf = pki.Issue(TestKeys.PublicKeyOf(key));
        var pem = File.ReadAllText(pki.WritePem(_temp.File("leaf.pem"), leaf));
        var reads = 0;
        var provider = new FileKeySource(_ => null, null, () =>
        {
            reads++;
            return pem;
        });

        var description = provider.DescribeCertificate("-");
        using var first = provider.LoadCertificate("-", null, new KeySourceOptions());
        using var second = provider.LoadCertificate("-", null, new KeySourceOptions());

        Assert.Equal(1, reads);
        Assert.Equal(leaf.RawData, second.Leaf.RawData);
        Assert.StartsWith("- sha256:", description, StringComparison.Ordinal);
    }

    [Fact]
    public void DescribeCertificate_SameVariableOtherContent_OtherDescription()
    {
        var value = "one";
        var provider = new FileKeySource(_ => value, null);

        var before = provider.DescribeCertificate("env:ORA_CERT");
        value = "two";

        Assert.NotEqual(before, provider.DescribeCertificate("env:ORA_CERT"));
    }

    [Fact]
    public async Task OpenAsync_StandardInputWhereThereIsNone_InvalidInputSayingWhatToGive()
    {
        var provider = new FileKeySource(_ => null, null, standardInput: null);

        var e = await Assert.ThrowsAsync<CredentialException>(() =>
            provider.OpenAsync(new KeySourceOptions { PrivateKey = "-" }, null, CancellationToken.None).AsTask());

        Assert.Equal(CredentialErrorKind.InvalidInput, e.Kind);
        Assert.Contains("env:NAME", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadCertificate_VariableUnset_CertificateInvalidNamingIt()
    {
        var e = Assert.Throws<CredentialException>(() => new FileKeySource(_ => null, null).LoadCertificate("env:ORA_CERT", null, new KeySourceOptions()));

        Assert.Equal(CredentialErrorKind.CertificateInvalid, e.Kind);
        Assert.Contains("ORA_CERT", e.Message, StringComparison.Ordinal);
    }
}
