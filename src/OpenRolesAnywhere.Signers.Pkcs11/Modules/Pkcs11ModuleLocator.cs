using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.Signers.Pkcs11.Uris;

namespace OpenRolesAnywhere.Signers.Pkcs11.Modules;

/// <summary>
/// Which PKCS#11 module (shared library) to load: the URI's <c>module-path</c>, its <c>module-name</c> (as p11-kit
/// names modules), the <c>--pkcs11-lib</c> flag, or else p11-kit-proxy, which reaches every module p11-kit knows.
/// </summary>
internal static class Pkcs11ModuleLocator
{
    private static readonly string[] LibraryDirectories =
    [
        "/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib/arm-linux-gnueabihf", "/usr/lib64", "/usr/lib",
        "/usr/local/lib", "/opt/homebrew/lib",
    ];

    private static readonly string[] P11KitModuleConfigDirectories = ["/etc/pkcs11/modules", "/usr/share/p11-kit/modules"];

    public static string Resolve(Pkcs11Uri uri, string? libraryFlag) => Resolve(uri, libraryFlag, File.Exists);

    internal static string Resolve(Pkcs11Uri uri, string? libraryFlag, Func<string, bool> exists)
    {
        if (uri.ModulePath is { } path)
        {
            return path;
        }

        if (uri.ModuleName is { } name)
        {
            return FromModuleName(name, exists) ?? throw new CredentialException(CredentialErrorKind.SignerUnavailable,
                $"No PKCS#11 module named \"{name}\" (module-name in {uri}) was found in p11-kit's module configuration or the usual library folders. Give its file with module-path= or --pkcs11-lib.");
        }

        if (libraryFlag is { Length: > 0 })
        {
            return libraryFlag;
        }

        return Candidates("p11-kit-proxy.so").FirstOrDefault(exists) ?? throw new CredentialException(CredentialErrorKind.SignerUnavailable,
            $"Say which PKCS#11 module holds {uri}: add module-path=/path/to/module.so to the URI or give --pkcs11-lib (p11-kit-proxy, which would find it otherwise, is not installed).");
    }

    /// <summary>p11-kit's <c>NAME.module</c> file first (its <c>module:</c> line), then the usual file names.</summary>
    private static string? FromModuleName(string name, Func<string, bool> exists)
    {
        if (name.Contains('/', StringComparison.Ordinal))
        {
            return null;
        }

        foreach (var directory in P11KitModuleConfigDirectories)
        {
            var config = Path.Combine(directory, name + ".module");
            if (!exists(config))
            {
                continue;
            }

            var module = File.ReadLines(config)
                .Select(line => line.Trim())
                .Where(line => line.StartsWith("module:", StringComparison.Ordinal))
                .Select(line => line["module:".Length..].Trim())
                .FirstOrDefault();
            if (module is not null)
            {
                return Path.IsPathRooted(module) ? module : Candidates(module).FirstOrDefault(exists) ?? module;
            }
        }

        return new[] { name + ".so", "lib" + name + ".so", name + "-pkcs11.so" }
            .SelectMany(Candidates)
            .FirstOrDefault(exists);
    }

    private static IEnumerable<string> Candidates(string file) =>
        LibraryDirectories.SelectMany(d => new[] { Path.Combine(d, "pkcs11", file), Path.Combine(d, file) });
}
