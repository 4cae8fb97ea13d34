using System.Runtime.InteropServices;

namespace OpenRolesAnywhere.TestCommon.Pkcs11;

/// <summary>
/// Sets a variable where native code (a PKCS#11 module calling getenv) sees it: .NET's own
/// <see cref="Environment.SetEnvironmentVariable(string, string)"/> does not reach the C library's copy on Unix.
/// </summary>
public static class NativeEnvironment
{
    public static void Set(string name, string value)
    {
        Environment.SetEnvironmentVariable(name, value);
        if (SetEnv(name, value, 1) != 0)
        {
            throw new InvalidOperationException($"setenv({name}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    // DllImport rather than LibraryImport: the generated form needs unsafe code, for one call in a test helper.
#pragma warning disable SYSLIB1054
    [DllImport("libc", EntryPoint = "setenv", SetLastError = true, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern int SetEnv([MarshalAs(UnmanagedType.LPUTF8Str)] string name, [MarshalAs(UnmanagedType.LPUTF8Str)] string value, int overwrite);
#pragma warning restore SYSLIB1054
}
