using System.Security.Cryptography.X509Certificates;
using Net.Pkcs11Interop.Common;
using OpenRolesAnywhere.Signers.Pkcs11.Modules;

namespace OpenRolesAnywhere.TestCommon.Pkcs11;

/// <summary>
/// A real SoftHSM2 token in a temporary directory (SOFTHSM2_CONF points at a config there, set for the whole
/// process, so tests using it share one non-parallel collection). On it: RSA 2048, P-256 and P-384 signing keys
/// generated on the token, each with a certificate object issued by a test CA; a key that may not sign;
/// and an AES secret key.
/// </summary>
public sealed class SoftHsmFixture : IDisposable
{
    public const string ModulePath = "/usr/lib/softhsm/libsofthsm2.so";
    public const string TokenLabel = "ora-test";
    public const string RemovableTokenLabel = "ora-removable";
    public const string Pin = "1234";
    public const string SoPin = "12345678";

    private readonly TempDirectory _directory;
    private readonly Pkcs11Module _module;
    private readonly ulong _mainSlotId;

    public SoftHsmFixture()
    {
        if (!File.Exists(ModulePath) || !ExternalTool.IsInstalled("softhsm2-util"))
        {
            throw new InvalidOperationException($"SoftHSM2 is needed for these tests: apt-get install softhsm2 ({ModulePath} and softhsm2-util).");
        }

        _directory = new TempDirectory("ora-softhsm-");
        Directory = _directory.Path;
        var tokens = System.IO.Directory.CreateDirectory(Path.Combine(Directory, "tokens")).FullName;
        ConfigPath = Path.Combine(Directory, "softhsm2.conf");
        File.WriteAllText(ConfigPath, $"directories.tokendir = {tokens}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n");
        NativeEnvironment.Set("SOFTHSM2_CONF", ConfigPath);
        // SoftHSM finds tokens when the module starts: every token a test uses is made now.
        InitToken(TokenLabel);
        InitToken(RemovableTokenLabel);

        Pki = TestPki.Create("SoftHSM");
        _module = Pkcs11Module.Acquire(ModulePath);
        var slots = _module.Library.GetSlotList(SlotsType.WithTokenPresent);
        _mainSlotId = slots.Single(s => s.GetTokenInfo().Label.TrimEnd() == TokenLabel).SlotId;
        using (var session = slots.Single(s => s.SlotId == _mainSlotId).OpenSession(SessionType.ReadWrite))
        {
            session.Login(CKU.CKU_USER, Pin);
            Rsa = AddKey(session, "rsa", 0x01, null);
            P256 = AddKey(session, "p256", 0x02, TokenKeys.P256Parameters);
            P384 = AddKey(session, "p384", 0x03, TokenKeys.P384Parameters);
            TokenKeys.Generate(session, "decrypt-only", [0x04], null, canSign: false);
            TokenKeys.AddSecretKey(session, "aes", [0x05]);
            session.Logout();
        }

        using (var session = slots.Single(s => s.GetTokenInfo().Label.TrimEnd() == RemovableTokenLabel).OpenSession(SessionType.ReadWrite))
        {
            session.Login(CKU.CKU_USER, Pin);
            Removable = AddKey(session, "removable", 0x09, TokenKeys.P256Parameters);
            RemovableTokenDirectory = System.IO.Directory.GetDirectories(tokens)
                .Single(d => File.ReadAllText(Path.Combine(d, "token.object")).Contains(RemovableTokenLabel, StringComparison.Ordinal));
            session.Logout();
        }
    }

    public string Directory { get; }

    public string ConfigPath { get; }

    /// <summary>The CA that issued the certificates (the trust anchor of the fake Roles Anywhere).</summary>
    public TestPki Pki { get; }

    public SoftHsmKey Rsa { get; }

    public SoftHsmKey P256 { get; }

    public SoftHsmKey P384 { get; }

    public IEnumerable<SoftHsmKey> Keys => [Rsa, P256, P384];

    /// <summary>A P-256 key on a second token, which tests take away (move its directory) and put back.</summary>
    public SoftHsmKey Removable { get; }

    public string RemovableTokenDirectory { get; }

    /// <summary>A URI on the test token: <paramref name="path"/> is the part after <c>token=…;</c>, <paramref name="query"/> the part after <c>?</c>.</summary>
    public static string Uri(string path, string? query = "pin-value=" + Pin) =>
        $"pkcs11:token={TokenLabel};{path}?module-path={ModulePath}" + (query is null ? string.Empty : "&" + query);

    /// <summary>Makes another token (for tests that remove it), returning its label.</summary>
    public static void InitToken(string label) =>
        ExternalTool.Run("softhsm2-util", ["--init-token", "--free", "--label", label, "--pin", Pin, "--so-pin", SoPin]);

    /// <summary>Writes another certificate object onto the main token (say, one a test's own CA issued for a key here).</summary>
    public void AddCertificate(string label, byte id, X509Certificate2 certificate)
    {
        // Certificates are public objects: no login needed to write one.
        var slot = _module.Library.GetSlotList(SlotsType.WithTokenPresent).First(s => s.SlotId == _mainSlotId);
        using var session = slot.OpenSession(SessionType.ReadWrite);
        TokenKeys.AddCertificate(session, label, [id], certificate);
    }

    public void Dispose()
    {
        _module.Release();
        Pki.Dispose();
        foreach (var key in Keys.Append(Removable))
        {
            key.Certificate.Dispose();
        }

        _directory.Dispose();
    }

    private SoftHsmKey AddKey(Net.Pkcs11Interop.HighLevelAPI.ISession session, string label, byte id, byte[]? ecParameters)
    {
        var publicKey = TokenKeys.Generate(session, label, [id], ecParameters);
        var certificate = Pki.Issue(publicKey, $"ora-{label}");
        TokenKeys.AddCertificate(session, label, [id], certificate);
        var pem = Pki.WritePem(Path.Combine(Directory, label + ".pem"), certificate);
        return new SoftHsmKey(label, id, publicKey, certificate, pem);
    }
}

/// <summary>A signing key on the SoftHSM token, with its certificate (also on the token, same label and id).</summary>
public sealed record SoftHsmKey(string Label, byte Id, PublicKey PublicKey, X509Certificate2 Certificate, string CertificatePath)
{
    public string IdPercent => $"%{Id:x2}";

    /// <summary>The private key's URI, with the PIN in it unless told otherwise.</summary>
    public string KeyUri(string? query = "pin-value=" + SoftHsmFixture.Pin) => SoftHsmFixture.Uri($"object={Label};type=private", query);

    public string CertificateUri => SoftHsmFixture.Uri($"object={Label};type=cert", null);
}
