using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.Signers.Pkcs11.Modules;
using OpenRolesAnywhere.Signers.Pkcs11.Uris;

namespace OpenRolesAnywhere.Signers.Pkcs11.Tests.Modules;

public sealed class Pkcs11ModuleLocatorTests
{
    [Fact]
    public void Resolve_ModulePathInUri_WinsOverFlag()
    {
        var path = Pkcs11ModuleLocator.Resolve(Pkcs11Uri.Parse("pkcs11:object=k?module-path=/opt/a.so"), "/opt/b.so", _ => true);

        Assert.Equal("/opt/a.so", path);
    }

    [Fact]
    public void Resolve_ModuleNameOfP11KitModule_ReadsItsConfig()
    {
        // softhsm2's p11-kit config names its module by absolute path.
        var path = Pkcs11ModuleLocator.Resolve(Pkcs11Uri.Parse("pkcs11:object=k?module-name=softhsm2"), null);

        Assert.True(File.Exists(path), path);
        Assert.EndsWith("libsofthsm2.so", path, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_UnknownModuleName_SaysSo()
    {
        var e = Assert.Throws<CredentialException>(() => Pkcs11ModuleLocator.Resolve(Pkcs11Uri.Parse("pkcs11:object=k?module-name=no-such-module"), null));

        Assert.Equal(CredentialErrorKind.SignerUnavailable, e.Kind);
        Assert.Contains("no-such-module", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_FlagWithoutModuleInUri_UsesFlag()
    {
        Assert.Equal("/opt/b.so", Pkcs11ModuleLocator.Resolve(Pkcs11Uri.Parse("pkcs11:object=k"), "/opt/b.so", _ => false));
    }

    [Fact]
    public void Resolve_NothingGivenAndProxyInstalled_UsesP11KitProxy()
    {
        var path = Pkcs11ModuleLocator.Resolve(Pkcs11Uri.Parse("pkcs11:object=k"), null, p => p.EndsWith("/p11-kit-proxy.so", StringComparison.Ordinal));

        Assert.EndsWith("p11-kit-proxy.so", path, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_NothingGivenAndNoProxy_AsksForModule()
    {
        var e = Assert.Throws<CredentialException>(() => Pkcs11ModuleLocator.Resolve(Pkcs11Uri.Parse("pkcs11:object=k"), null, _ => false));

        Assert.Contains("--pkcs11-lib", e.Message, StringComparison.Ordinal);
        Assert.Contains("module-path=", e.Message, StringComparison.Ordinal);
    }
}
