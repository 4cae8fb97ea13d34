using OpenRolesAnywhere.Cli.Keys;
using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.Core.Credentials;
using OpenRolesAnywhere.Core.KeySources;

namespace OpenRolesAnywhere.Cli.Tests;

/// <summary>
/// The one key of a source (<see cref="CredentialSourceOptions.CacheKey"/>), described through the CLI's real
/// key backends: it lets a running serve answer credential-process before the certificate is read, so two
/// option sets that ask for anything different must never share one.
/// </summary>
public sealed class SourceKeyTests
{
    private static readonly KeySourceProviders Keys = KeySourceRegistration.Create(new CliEnvironment(_ => null, TimeProvider.System), TextWriter.Null);

    private static CredentialSourceOptions Source() => new()
    {
        Certificate = "/etc/ora/workload.pem",
        Key = new KeySourceOptions { PrivateKey = "/etc/ora/workload.key" },
        TrustAnchorArn = "arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/a",
        ProfileArn = "arn:aws:rolesanywhere:us-east-1:123456789012:profile/p",
        RoleArn = "arn:aws:iam::123456789012:role/workload",
    };

    public static TheoryData<string, Action<CredentialSourceOptions>> Differences => new()
    {
        { "certificate", o => o.Certificate = "/etc/ora/other.pem" },
        { "intermediates", o => o.Intermediates = "/etc/ora/chain.pem" },
        { "key file", o => o.Key.PrivateKey = "/etc/ora/other.key" },
        { "key source", o => o.Key = new KeySourceOptions() },
        { "agent key", o => o.Key = new KeySourceOptions { SshFingerprint = "SHA256:abc" } },
        { "pkcs11 module", o => o.Key.Module = "/usr/lib/softhsm/libsofthsm2.so" },
        { "trust anchor", o => o.TrustAnchorArn = "arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/b" },
        { "trust anchor from the certificate", o => o.TrustAnchorArn = null },
        { "profile", o => o.ProfileArn = "arn:aws:rolesanywhere:us-east-1:123456789012:profile/q" },
        { "role", o => o.RoleArn = "arn:aws:iam::123456789012:role/other" },
        { "duration", o => o.SessionDuration = "3601" },
        { "session name", o => o.RoleSessionName = "alice" },
        { "empty session name", o => o.RoleSessionName = "" },
        { "region", o => o.Region = "eu-west-1" },
        { "endpoint", o => o.Endpoint = "https://rolesanywhere.example" },
        // Fields run together must not reproduce the original by moving a boundary.
        { "shifted boundary", o => (o.RoleArn, o.RoleSessionName) = ("arn:aws:iam::123456789012:role/work", "load") },
    };

    [Theory]
    [MemberData(nameof(Differences))]
    public void CacheKey_AnyOptionDiffers_Differs(string what, Action<CredentialSourceOptions> change)
    {
        var changed = Source();
        change(changed);

        Assert.True(Source().CacheKey(Keys) != changed.CacheKey(Keys), what);
    }

    [Fact]
    public void CacheKey_SameRequestWrittenDifferently_IsTheSame()
    {
        var relative = Source();
        relative.Certificate = Path.GetRelativePath(Environment.CurrentDirectory, "/etc/ora/workload.pem");
        relative.SessionDuration = "1h";
        var absolute = Source();
        absolute.Key.PasswordEnvironmentVariable = "ORA_KEY_PASSWORD";

        Assert.Equal(absolute.CacheKey(Keys), relative.CacheKey(Keys));
    }

    [Fact]
    public void CacheKey_OnlyTheTokenFileDiffers_IsTheSame()
    {
        var ownToken = Source();
        ownToken.TokenFile = "/etc/ora/tokens/billing";

        // Who may ask (serve's per-source token) is not what is asked for: both share one cache entry.
        Assert.Equal(Source().CacheKey(Keys), ownToken.CacheKey(Keys));
    }

    [Fact]
    public void CacheKey_NamedCertificate_UsesTheSavedFilesPath()
    {
        var named = Source();
        named.Certificate = null;
        named.Name = "workload";
        var environment = new Dictionary<string, string?> { ["XDG_CONFIG_HOME"] = "/home/a/.config" };
        var explicitPath = Source();
        explicitPath.Certificate = "/home/a/.config/openrolesanywhere/workload.pem";

        Assert.Equal(explicitPath.CacheKey(Keys), named.CacheKey(Keys, environment.GetValueOrDefault));
    }

    [Fact]
    public void CacheKey_Pkcs11WithPins_LeavesThePinsOut()
    {
        var options = Source();
        options.Certificate = "pkcs11:token=t;object=cert?pin-value=2468";
        options.Key = new KeySourceOptions { PrivateKey = "pkcs11:token=t;object=key?pin-value=1357" };

        var key = options.CacheKey(Keys);

        Assert.DoesNotContain("2468", key, StringComparison.Ordinal);
        Assert.DoesNotContain("1357", key, StringComparison.Ordinal);
        Assert.Contains("object=cert", key, StringComparison.Ordinal);
    }

    [Fact]
    public void CacheKey_BadDuration_SaysWhatToGive()
    {
        var options = Source();
        options.SessionDuration = "an hour";

        var e = Assert.Throws<CredentialException>(() => options.CacheKey(Keys));

        Assert.Equal(CredentialErrorKind.InvalidInput, e.Kind);
        Assert.Contains("3600", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CacheKey_Pkcs11Certificate_KeptAsUriWithoutPin()
    {
        var options = new CredentialSourceOptions
        {
            Certificate = "pkcs11:object=c;type=cert?pin-value=9876",
            Key = new KeySourceOptions { PrivateKey = "pkcs11:object=k?pin-value=9876" },
            RoleArn = "arn:aws:iam::123456789012:role/r",
        };

        var key = options.CacheKey(Keys);

        Assert.DoesNotContain("9876", key, StringComparison.Ordinal);
        Assert.StartsWith("pkcs11:object=c;type=cert\n", key, StringComparison.Ordinal);
    }
}
