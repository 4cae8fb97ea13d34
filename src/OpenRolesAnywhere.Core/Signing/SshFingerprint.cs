using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace OpenRolesAnywhere.Core.Signing;

/// <summary>Public keys named as <c>ssh-add -l</c> and <c>ssh-keygen -l</c> name them, so a ledger line and an agent key can be matched by eye.</summary>
public static class SshFingerprint
{
    /// <summary><c>SHA256:</c> and the unpadded base64 of SHA-256 over an SSH public key blob (RFC 4253 6.6, RFC 5656 3.1).</summary>
    public static string OfBlob(ReadOnlySpan<byte> blob) =>
        "SHA256:" + Convert.ToBase64String(SHA256.HashData(blob)).TrimEnd('=');

    /// <summary>
    /// The fingerprint of the key as an SSH key (RSA, ECDSA on a NIST curve); for keys SSH has no form for (ML-DSA),
    /// the same form over the certificate's SubjectPublicKeyInfo.
    /// </summary>
    public static string Of(PublicKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return OfBlob(Blob(key) ?? key.ExportSubjectPublicKeyInfo());
    }

    private static byte[]? Blob(PublicKey key)
    {
        using var stream = new MemoryStream();
        using (var rsa = key.Oid.Value == "1.2.840.113549.1.1.1" ? key.GetRSAPublicKey() : null)
        {
            if (rsa is not null)
            {
                // string "ssh-rsa", mpint e, mpint n
                var parameters = rsa.ExportParameters(false);
                WriteString(stream, "ssh-rsa"u8);
                WriteString(stream, Mpint(parameters.Exponent!));
                WriteString(stream, Mpint(parameters.Modulus!));
                return stream.ToArray();
            }
        }

        using var ec = key.Oid.Value == "1.2.840.10045.2.1" ? key.GetECDsaPublicKey() : null;
        var point = ec?.ExportParameters(false);
        var curve = point?.Curve.Oid.Value switch
        {
            "1.2.840.10045.3.1.7" => "nistp256",
            "1.3.132.0.34" => "nistp384",
            "1.3.132.0.35" => "nistp521",
            _ => null,
        };
        if (point is not { } p || curve is null)
        {
            return null;
        }

        // string "ecdsa-sha2-" + curve, string curve, string Q (uncompressed point)
        WriteString(stream, System.Text.Encoding.ASCII.GetBytes("ecdsa-sha2-" + curve));
        WriteString(stream, System.Text.Encoding.ASCII.GetBytes(curve));
        WriteString(stream, [0x04, .. p.Q.X!, .. p.Q.Y!]);
        return stream.ToArray();
    }

    // An mpint is two's complement: a leading 0 keeps a high bit from reading as negative.
    private static byte[] Mpint(byte[] magnitude)
    {
        var trimmed = magnitude.AsSpan().TrimStart((byte)0);
        return trimmed.Length > 0 && (trimmed[0] & 0x80) != 0 ? [0, .. trimmed] : trimmed.ToArray();
    }

    private static void WriteString(MemoryStream stream, ReadOnlySpan<byte> value)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, value.Length);
        stream.Write(length);
        stream.Write(value);
    }
}
