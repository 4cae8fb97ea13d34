using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace OpenRolesAnywhere.TestCommon.SshAgent;

/// <summary>A throwaway key made by <c>ssh-keygen</c>, with what tests compare against: its fingerprint and .NET public key.</summary>
public sealed class SshTestKey
{
    private SshTestKey(string keyType, string privateKeyPath, string fingerprint, PublicKey? publicKey)
    {
        KeyType = keyType;
        PrivateKeyPath = privateKeyPath;
        Fingerprint = fingerprint;
        PublicKey = publicKey;
    }

    /// <summary>The SSH key type, as the agent reports it (<c>ssh-rsa</c>, <c>ecdsa-sha2-nistp256</c>, ...).</summary>
    public string KeyType { get; }

    /// <summary>The private key: PKCS#8 PEM for RSA and ECDSA (so .NET loads it too), OpenSSH format for Ed25519.</summary>
    public string PrivateKeyPath { get; }

    public string PublicKeyPath => PrivateKeyPath + ".pub";

    /// <summary>
    /// The comment the agent lists: <c>ssh-add</c> takes it from an OpenSSH-format file (Ed25519) and
    /// uses the file's path for PEM files, which carry no comment.
    /// </summary>
    public string Comment => KeyType == "ssh-ed25519" ? "test-ed25519-256" : PrivateKeyPath;

    /// <summary><c>SHA256:...</c> as <c>ssh-keygen -l -E sha256</c> prints it.</summary>
    public string Fingerprint { get; }

    /// <summary>Read by .NET from the private key file, independently of any agent; null for Ed25519.</summary>
    public PublicKey? PublicKey { get; }

    public override string ToString() => $"{KeyType} {Fingerprint}";

    /// <param name="type">ssh-keygen's <c>-t</c>: rsa, ecdsa, ed25519.</param>
    internal static SshTestKey Generate(string directory, string type, int bits)
    {
        var path = Path.Combine(directory, $"id_{type}_{bits}");
        SshTool.Run("ssh-keygen", null, "-q", "-t", type, "-b", bits.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-m", "PKCS8", "-N", "", "-C", $"test-{type}-{bits}", "-f", path);
        var fingerprint = SshTool.Run("ssh-keygen", null, "-l", "-E", "sha256", "-f", path + ".pub").Split(' ')[1];
        var keyType = File.ReadAllText(path + ".pub").Split(' ')[0];
        var key = new SshTestKey(keyType, path, fingerprint, null);
        if (type == "ed25519")
        {
            return key;
        }

        using var privateKey = key.LoadPrivateKey();
        return new SshTestKey(keyType, path, fingerprint, PublicKey.CreateFromSubjectPublicKeyInfo(privateKey.ExportSubjectPublicKeyInfo(), out _));
    }

    /// <summary>The private key in .NET, for tests that must sign the way the agent should.</summary>
    public AsymmetricAlgorithm LoadPrivateKey()
    {
        AsymmetricAlgorithm key = KeyType == "ssh-rsa" ? RSA.Create() : ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(PrivateKeyPath));
        return key;
    }
}
