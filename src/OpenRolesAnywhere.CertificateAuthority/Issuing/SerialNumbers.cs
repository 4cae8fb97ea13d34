using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using OpenRolesAnywhere.Core;

namespace OpenRolesAnywhere.CertificateAuthority.Issuing;

/// <summary>Certificate serials: positive, at most 20 octets (RFC 5280), random unless the administrator picks one.</summary>
public static class SerialNumbers
{
    private static readonly BigInteger Largest = BigInteger.Pow(2, 159) - 1;

    /// <summary>A random serial with exactly 128 bits (the top bit set, so every serial has the same width).</summary>
    public static BigInteger Random()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        bytes[0] |= 0x80;
        return new BigInteger(bytes, isUnsigned: true, isBigEndian: true);
    }

    /// <summary>Decimal as the original tool took it (<c>12345</c>), or hex with a <c>0x</c> prefix or colons (<c>0x3039</c>, <c>30:39</c>).</summary>
    public static BigInteger Parse(string text, string what)
    {
        var trimmed = text.Trim();
        BigInteger value;
        var parsed = trimmed.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? BigInteger.TryParse("0" + trimmed[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value)
            : trimmed.Contains(':', StringComparison.Ordinal)
                ? BigInteger.TryParse("0" + trimmed.Replace(":", "", StringComparison.Ordinal), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value)
                : BigInteger.TryParse(trimmed, NumberStyles.None, CultureInfo.InvariantCulture, out value);
        if (!parsed || trimmed.Length == 0)
        {
            throw new CredentialException(CredentialErrorKind.InvalidInput, $"{what} '{text}' is not a serial number: give a decimal number (12345) or hex (0x3039).");
        }

        if (value <= 0 || value > Largest)
        {
            throw new CredentialException(CredentialErrorKind.InvalidInput, $"{what} '{text}' must be a positive number of at most 20 octets (RFC 5280).");
        }

        return value;
    }

    public static BigInteger Of(System.Security.Cryptography.X509Certificates.X509Certificate2 certificate) =>
        new(certificate.SerialNumberBytes.Span, isUnsigned: true, isBigEndian: true);

    public static string ToDecimal(BigInteger serial) => serial.ToString(CultureInfo.InvariantCulture);

    public static string ToHex(BigInteger serial) => Convert.ToHexStringLower(serial.ToByteArray(isUnsigned: true, isBigEndian: true));

    /// <summary>
    /// The DER INTEGER content: big-endian two's complement, with a leading zero when the top bit is set.
    /// CertificateRequest would add that zero itself; CertificateRevocationListBuilder would not, and would
    /// list a negative serial that revokes nothing.
    /// </summary>
    public static byte[] ToBytes(BigInteger serial) => serial.ToByteArray(isUnsigned: false, isBigEndian: true);
}
