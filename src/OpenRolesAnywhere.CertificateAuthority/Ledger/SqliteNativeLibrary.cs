using System.Reflection;
using System.Runtime.InteropServices;
using OpenRolesAnywhere.Core;

namespace OpenRolesAnywhere.CertificateAuthority.Ledger;

/// <summary>
/// SQLitePCLRaw imports the library <c>e_sqlite3</c>, which a JIT build carries beside it. The native executable
/// ships without that file (nothing a user could forget to copy) and loads the system's <c>libsqlite3.so.0</c>.
/// </summary>
internal static class SqliteNativeLibrary
{
    private const string Bundled = "e_sqlite3";
    private const string SystemLibrary = "libsqlite3.so.0";
    private static readonly Assembly Provider = typeof(SQLitePCL.SQLite3Provider_e_sqlite3).Assembly;
    private static readonly Lazy<bool> Loadable = new(Register);

    /// <summary>Call before the first SQLite call: a missing library is then a message, not a crash.</summary>
    public static void EnsureLoadable()
    {
        if (!Loadable.Value)
        {
            throw new CredentialException(CredentialErrorKind.NotFound,
                $"The ledger needs SQLite and {SystemLibrary} was not found: install it (Debian/Ubuntu: apt-get install libsqlite3-0).");
        }
    }

    private static bool Register()
    {
        NativeLibrary.SetDllImportResolver(Provider, Resolve);
        // The handle stays open: the provider loads the same library for the rest of the process.
        return Resolve(Bundled, Provider, null) != IntPtr.Zero;
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath) =>
        name == Bundled && (NativeLibrary.TryLoad(name, assembly, searchPath, out var handle) || NativeLibrary.TryLoad(SystemLibrary, out handle))
            ? handle
            : IntPtr.Zero;
}
