using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using OpenRolesAnywhere.Signers.Pkcs11.Modules;
using Xunit;

namespace OpenRolesAnywhere.TestCommon.Pkcs11;

/// <summary>
/// A software TPM 2.0 (swtpm, TCP) with tpm2-pkcs11 pointed at it through the <c>swtpm:</c> TCTI, and a store
/// made by <c>tpm2_ptool init</c>. The token and its keys (P-256, RSA 2048) are created through the module's own
/// PKCS#11 interface (C_InitToken, C_GenerateKeyPair): <c>tpm2_ptool addtoken/addkey</c> need a TPM resource
/// manager (the kernel's /dev/tpmrm0 or tpm2-abrmd), which a bare swtpm does not have.
/// </summary>
public sealed class SwtpmFixture : IDisposable
{
    public const string TokenLabel = "ora-tpm";
    public const string Pin = "2468";
    public const string SoPin = "13579";

    private readonly TempDirectory _directory;
    private readonly Process _swtpm;
    private readonly string _tcti = string.Empty;
    private readonly string _store = string.Empty;

    public SwtpmFixture()
    {
        if (SkipReason is { } reason)
        {
            throw new InvalidOperationException(reason);
        }

        _directory = new TempDirectory("ora-swtpm-");
        Directory = _directory.Path;
        var state = System.IO.Directory.CreateDirectory(Path.Combine(Directory, "state")).FullName;
        var store = System.IO.Directory.CreateDirectory(Path.Combine(Directory, "store")).FullName;
        // The swtpm TCTI finds the control channel at the server port + 1.
        var server = LoopbackHost.FreePort.Pair();
        var control = server + 1;
        var start = new ProcessStartInfo("swtpm") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in new[]
        {
            "socket", "--tpm2", "--server", $"type=tcp,port={server},bindaddr=127.0.0.1", "--ctrl", $"type=tcp,port={control},bindaddr=127.0.0.1",
            "--tpmstate", $"dir={state}", "--flags", "startup-clear,not-need-init",
        })
        {
            start.ArgumentList.Add(argument);
        }

        _swtpm = Process.Start(start) ?? throw new InvalidOperationException("swtpm did not start");
        try
        {
            WaitForPort(server);
            var tcti = $"swtpm:host=127.0.0.1,port={server}";
            _tcti = tcti;
            _store = store;
            Activate();
            var tools = new Dictionary<string, string?> { ["TPM2TOOLS_TCTI"] = tcti };
            ExternalTool.Run("tpm2_ptool", ["init", "--path", store], tools);
            // Without a resource manager, objects tpm2_ptool loaded stay in the TPM's few slots: free them.
            ExternalTool.Run("tpm2_flushcontext", ["-t"], tools);

            // Each step with a freshly started module: stopping it (C_Finalize) flushes what it loaded into the TPM,
            // whose few object slots a bare swtpm (no resource manager) would otherwise run out of.
            WithModule(library => library.GetSlotList(SlotsType.WithTokenPresent).First(s => !s.GetTokenInfo().TokenFlags.TokenInitialized)
                .InitToken(SoPin, TokenLabel));
            WithSession(session =>
            {
                session.Login(CKU.CKU_SO, SoPin);
                session.InitPin(Pin);
            });
            P256PublicKey = WithSession(session =>
            {
                session.Login(CKU.CKU_USER, Pin);
                return TokenKeys.Generate(session, "p256", [0x01], TokenKeys.P256Parameters);
            });
            RsaPublicKey = WithSession(session =>
            {
                session.Login(CKU.CKU_USER, Pin);
                return TokenKeys.Generate(session, "rsa", [0x02], null);
            });
        }
        catch
        {
            // A constructor that throws is never disposed: stop the TPM here.
            Dispose();
            throw;
        }
    }

    /// <summary>The tpm2-pkcs11 module, wherever the distribution put it.</summary>
    public static string? ModulePath { get; } = new[]
    {
        "/usr/lib/x86_64-linux-gnu/pkcs11/libtpm2_pkcs11.so", "/usr/lib/x86_64-linux-gnu/libtpm2_pkcs11.so.1",
        "/usr/lib/aarch64-linux-gnu/pkcs11/libtpm2_pkcs11.so", "/usr/lib64/pkcs11/libtpm2_pkcs11.so",
    }.FirstOrDefault(File.Exists);

    /// <summary>Why the TPM tests cannot run here, or null when they can.</summary>
    public static string? SkipReason { get; } =
        !ExternalTool.IsInstalled("swtpm") || !ExternalTool.IsInstalled("tpm2_ptool") || !ExternalTool.IsInstalled("tpm2_flushcontext") || ModulePath is null
            ? "TPM tests need swtpm, tpm2_ptool and tpm2-pkcs11: apt-get install swtpm swtpm-tools libtpm2-pkcs11-1 libtpm2-pkcs11-tools tpm2-tools"
            : null;

    public string Directory { get; }

    public System.Security.Cryptography.X509Certificates.PublicKey P256PublicKey { get; }

    public System.Security.Cryptography.X509Certificates.PublicKey RsaPublicKey { get; }

    public static string Uri(string label) =>
        $"pkcs11:token={TokenLabel};object={label};type=private?module-path={ModulePath}&pin-value={Pin}";

    /// <summary>
    /// Points tpm2-pkcs11 at this TPM: it reads these variables when the module starts (each time a key is opened
    /// after the last one closed), so a test with a TPM of its own must hand the shared one back afterwards.
    /// </summary>
    public void Activate()
    {
        NativeEnvironment.Set("TPM2_PKCS11_TCTI", _tcti);
        NativeEnvironment.Set("TPM2_PKCS11_STORE", _store);
        NativeEnvironment.Set("TPM2_PKCS11_LOG_LEVEL", "0");
    }

    public void Dispose()
    {
        if (!_swtpm.HasExited)
        {
            _swtpm.Kill();
            _swtpm.WaitForExit();
        }

        _swtpm.Dispose();
        _directory.Dispose();
    }

    private static T WithModule<T>(Func<IPkcs11Library, T> action)
    {
        var module = Pkcs11Module.Acquire(ModulePath!);
        try
        {
            return action(module.Library);
        }
        finally
        {
            module.Release();
        }
    }

    private static void WithModule(Action<IPkcs11Library> action) => WithModule(library =>
    {
        action(library);
        return true;
    });

    private static T WithSession<T>(Func<ISession, T> action) => WithModule(library =>
    {
        using var session = library.GetSlotList(SlotsType.WithTokenPresent)
            .Single(s => s.GetTokenInfo().Label.TrimEnd() == TokenLabel).OpenSession(SessionType.ReadWrite);
        return action(session);
    });

    private static void WithSession(Action<ISession> action) => WithSession(session =>
    {
        action(session);
        return true;
    });

    private void WaitForPort(int port)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                if (_swtpm.HasExited)
                {
                    throw new InvalidOperationException($"swtpm exited: {_swtpm.StandardError.ReadToEnd()}");
                }

                Thread.Sleep(50);
            }
        }

        throw new InvalidOperationException($"swtpm did not listen on port {port}");
    }
}

/// <summary>
/// The TPM for a test collection, started only when a TPM test asks for it, so a machine without swtpm skips
/// those tests (see <see cref="SwtpmFactAttribute"/>) instead of failing the collection.
/// </summary>
public sealed class LazySwtpmFixture : IDisposable
{
    private readonly Lazy<SwtpmFixture> _fixture = new(() => new SwtpmFixture());

    /// <summary>The shared TPM, made the one tpm2-pkcs11 will use.</summary>
    public SwtpmFixture Tpm
    {
        get
        {
            _fixture.Value.Activate();
            return _fixture.Value;
        }
    }

    public void Dispose()
    {
        if (_fixture.IsValueCreated)
        {
            _fixture.Value.Dispose();
        }
    }
}

/// <summary>A test that needs the software TPM: skipped, saying what to install, where the tools are missing.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class SwtpmFactAttribute : FactAttribute
{
    public SwtpmFactAttribute()
    {
        Skip = SwtpmFixture.SkipReason;
    }
}
