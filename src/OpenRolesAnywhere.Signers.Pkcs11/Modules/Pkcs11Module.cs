using System.Runtime.InteropServices;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using OpenRolesAnywhere.Core;

namespace OpenRolesAnywhere.Signers.Pkcs11.Modules;

/// <summary>
/// One loaded and initialized PKCS#11 module, shared by every key and certificate of the process that uses it:
/// <c>C_Initialize</c> may be called once per process, and <c>C_Finalize</c> must wait for the last user.
/// </summary>
internal sealed class Pkcs11Module
{
    private static readonly Dictionary<string, Pkcs11Module> Loaded = new(StringComparer.Ordinal);
    private static readonly Lock LoadedLock = new();

    private int _users;

    static Pkcs11Module()
    {
        // Pkcs11Interop binds dlopen from "libdl", a name only the development symlink (libc6-dev) provides;
        // glibc itself ships libdl.so.2 (and, since 2.34, the same functions in libc.so.6).
        NativeLibrary.SetDllImportResolver(typeof(Pkcs11InteropFactories).Assembly, (name, assembly, path) =>
            name == "libdl" && OperatingSystem.IsLinux()
                ? new[] { "libdl.so.2", "libc.so.6" }.Select(n => NativeLibrary.TryLoad(n, out var handle) ? handle : IntPtr.Zero).FirstOrDefault(h => h != IntPtr.Zero)
                : IntPtr.Zero);
    }

    private Pkcs11Module(string path, IPkcs11Library library)
    {
        Path = path;
        Library = library;
    }

    public string Path { get; }

    public IPkcs11Library Library { get; }

    public Pkcs11InteropFactories Factories => Library.Factories;

    /// <summary>Loads the module (or shares the loaded one); give it back with <see cref="Release"/>.</summary>
    public static Pkcs11Module Acquire(string path)
    {
        lock (LoadedLock)
        {
            if (!Loaded.TryGetValue(path, out var module))
            {
                module = new Pkcs11Module(path, Load(path));
                Loaded[path] = module;
            }

            module._users++;
            return module;
        }
    }

    public void Release()
    {
        lock (LoadedLock)
        {
            if (--_users > 0)
            {
                return;
            }

            Loaded.Remove(Path);
            try
            {
                Library.Dispose();
            }
            catch (Pkcs11Exception)
            {
                // C_Finalize failing leaves nothing for us to do: the process is done with the module.
            }
        }
    }

    private static IPkcs11Library Load(string path)
    {
        if (System.IO.Path.IsPathRooted(path) && !File.Exists(path))
        {
            throw new CredentialException(CredentialErrorKind.SignerUnavailable,
                $"The PKCS#11 module {path} does not exist. Check module-path= in the URI or --pkcs11-lib (e.g. /usr/lib/softhsm/libsofthsm2.so, /usr/lib/x86_64-linux-gnu/opensc-pkcs11.so).");
        }

        try
        {
            var factories = new Pkcs11InteropFactories();
            return factories.Pkcs11LibraryFactory.LoadPkcs11Library(factories, path, AppType.MultiThreaded);
        }
        catch (Pkcs11Exception e)
        {
            throw new CredentialException(CredentialErrorKind.SignerUnavailable,
                $"The PKCS#11 module {path} loaded but failed to start ({e.Method} returned {e.RV}). Check its configuration (e.g. SOFTHSM2_CONF for SoftHSM, TPM2_PKCS11_TCTI for tpm2-pkcs11).", e);
        }
        catch (Exception e) when (e is UnmanagedException or DllNotFoundException or BadImageFormatException or EntryPointNotFoundException)
        {
            throw new CredentialException(CredentialErrorKind.SignerUnavailable,
                $"The PKCS#11 module {path} could not be loaded: {e.Message} Check that it is a PKCS#11 module built for this machine.", e);
        }
    }
}
