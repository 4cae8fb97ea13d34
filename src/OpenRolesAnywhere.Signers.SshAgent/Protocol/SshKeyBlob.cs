using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using OpenRolesAnywhere.Core.Signing;

namespace OpenRolesAnywhere.Signers.SshAgent.Protocol;

/// <summary>What an agent's public key blob holds, and whether Roles Anywhere can use it.</summary>
/// <param name="PublicKey">The key in .NET form, when the type is RSA or ECDSA on a NIST curve.</param>
/// <param name="Kind">How it signs; null when it cannot sign for us at all.</param>
/// <param name="Unsupported">Why this key cannot sign CreateSession, and what to do instead. A P-384 key has a
/// <paramref name="Kind"/> too: the agent signs it over SHA-384, which a P-384 CA's certificates and CRLs take.</param>
internal sealed record SshKeyBlob(string KeyType, PublicKey? PublicKey, SigningKeyKind? Kind, string? Unsupported)
{
    // OpenSSH's own limit (SSHBUF_MAX_BIGNUM, 16384 bits): anything longer is a broken or hostile agent.
    private const int MaxRsaModulusBytes = 16384 / 8;

    private const string MakeAnotherKey = "Make an ECDSA P-256 or RSA key (`ssh-keygen -t ecdsa -b 256` or `ssh-keygen -t rsa -b 3072`) and `ssh-add` it.";

    /// <summary>The <c>SHA256:</c> fingerprint exactly as <c>ssh-add -l</c> prints it: unpadded base64 of SHA-256 over the blob.</summary>
    public static string Fingerprint(ReadOnlySpan<byte> blob) => SshFingerprint.OfBlob(blob);

    public static SshKeyBlob Parse(ReadOnlySpan<byte> blob)
    {
        var reader = new SshWireReader(blob);
        string keyType;
        try
        {
            keyType = reader.ReadUtf8();
        }
        catch (SshWireFormatException e)
        {
            return new SshKeyBlob("(malformed)", null, null, $"its public key blob is malformed ({e.Message}).");
        }

        try
        {
            return keyType switch
            {
                "ssh-rsa" => ParseRsa(ref reader),
                "ecdsa-sha2-nistp256" => ParseEcdsa(ref reader, keyType, "nistp256", ECCurve.NamedCurves.nistP256, 32),
                "ecdsa-sha2-nistp384" => ParseEcdsa(ref reader, keyType, "nistp384", ECCurve.NamedCurves.nistP384, 48),
                "ecdsa-sha2-nistp521" => ParseEcdsa(ref reader, keyType, "nistp521", ECCurve.NamedCurves.nistP521, 66),
                "ssh-ed25519" => new SshKeyBlob(keyType, null, null, "Roles Anywhere does not accept Ed25519 keys. " + MakeAnotherKey),
                _ when keyType.StartsWith("sk-", StringComparison.Ordinal) =>
                    new SshKeyBlob(keyType, null, null, "Roles Anywhere does not accept FIDO security-key (sk-*) keys: their signatures cover more than the data. " + MakeAnotherKey),
                _ => new SshKeyBlob(keyType, null, null, $"Roles Anywhere accepts RSA and ECDSA P-256 agent keys only, not {keyType}. " + MakeAnotherKey),
            };
        }
        catch (Exception e) when (e is SshWireFormatException or CryptographicException or ArgumentException)
        {
            return new SshKeyBlob(keyType, null, null, $"its public key blob is malformed ({e.Message}).");
        }
    }

    // ssh-rsa blob: string "ssh-rsa", mpint e, mpint n
    private static SshKeyBlob ParseRsa(ref SshWireReader reader)
    {
        var exponent = reader.ReadPositiveMpint().ToArray();
        var modulus = reader.ReadPositiveMpint().ToArray();
        if (modulus.Length > MaxRsaModulusBytes || exponent.Length > 8)
        {
            throw new SshWireFormatException($"an RSA key of {modulus.Length * 8} bits with a {exponent.Length * 8}-bit exponent is out of any sane range");
        }

        using var rsa = RSA.Create();
        rsa.ImportParameters(new RSAParameters { Exponent = exponent, Modulus = modulus });
        var publicKey = PublicKey.CreateFromSubjectPublicKeyInfo(rsa.ExportSubjectPublicKeyInfo(), out _);
        return rsa.KeySize >= 2048
            ? new SshKeyBlob("ssh-rsa", publicKey, SigningKeyKind.Rsa, null)
            : new SshKeyBlob("ssh-rsa", publicKey, null,
                $"RSA keys must have at least 2048 bits; this one has {rsa.KeySize}. Make a new key: `ssh-keygen -t rsa -b 3072`, and `ssh-add` it.");
    }

    // ecdsa-sha2-<curve> blob: string "ecdsa-sha2-<curve>", string <curve>, string Q (0x04 || X || Y)
    private static SshKeyBlob ParseEcdsa(ref SshWireReader reader, string keyType, string curveName, ECCurve curve, int coordinateLength)
    {
        var name = reader.ReadUtf8();
        if (name != curveName)
        {
            throw new SshWireFormatException($"{keyType} names the curve {name}");
        }

        var point = reader.ReadString();
        if (point.Length != 1 + (2 * coordinateLength) || point[0] != 4)
        {
            throw new SshWireFormatException($"the {curveName} point is not an uncompressed point of {1 + (2 * coordinateLength)} bytes");
        }

        using var ec = ECDsa.Create(new ECParameters
        {
            Curve = curve,
            Q = new ECPoint { X = point.Slice(1, coordinateLength).ToArray(), Y = point.Slice(1 + coordinateLength).ToArray() },
        });
        var publicKey = PublicKey.CreateFromSubjectPublicKeyInfo(ec.ExportSubjectPublicKeyInfo(), out _);
        return curveName == "nistp256"
            ? new SshKeyBlob(keyType, publicKey, SigningKeyKind.EcdsaP256, null)
            : new SshKeyBlob(keyType, publicKey, curveName == "nistp384" ? SigningKeyKind.EcdsaP384 : null,
                $"an SSH agent signs {keyType} keys over {(curveName == "nistp384" ? "SHA-384" : "SHA-512")}, and Roles Anywhere takes ECDSA signatures over SHA-256 only. Make a P-256 key: `ssh-keygen -t ecdsa -b 256`, and `ssh-add` it.");
    }
}
