using System.Security.Cryptography;
using CsCheck;

namespace OpenRolesAnywhere.TestCommon.Properties;

/// <summary>
/// PEM text as an attacker or a careless copy-paste makes it: real DER with bytes changed or cut off, random
/// bytes, under every label the parsers look at (and some they do not), or no PEM at all.
/// </summary>
public static class PemInputs
{
    private static readonly string[] Labels =
    [
        "CERTIFICATE", "CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST", "PUBLIC KEY", "PRIVATE KEY", "EC PRIVATE KEY",
        "RSA PRIVATE KEY", "ENCRYPTED PRIVATE KEY", "X509 CRL", "TRUSTED CERTIFICATE", "CERT",
    ];

    /// <summary>One of <paramref name="seeds"/> with up to 6 bytes replaced and, one time in three, cut short.</summary>
    public static Gen<byte[]> Mutated(IReadOnlyList<byte[]> seeds) =>
        Gen.Select(Gen.Int[0, seeds.Count - 1], Gen.Select(Gen.Int[0, int.MaxValue], Gen.Byte).Array[0, 6], Gen.Int[0, 90], (which, edits, cut) =>
        {
            var der = (byte[])seeds[which].Clone();
            foreach (var (position, value) in edits)
            {
                der[position % der.Length] = value;
            }

            return cut < 30 ? der[..(der.Length * cut / 30)] : der;
        });

    /// <summary>PEM blocks (one or two, with text around them) over mutated seeds or random bytes, or plain text.</summary>
    public static Gen<string> Pem(IReadOnlyList<byte[]> seeds)
    {
        var block = Gen.Select(Gen.Int[0, Labels.Length - 1], Gen.Frequency((4, Mutated(seeds)), (1, ParserProperty.Bytes())),
            (label, der) => new string(PemEncoding.Write(Labels[label], der)));
        var document = Gen.Select(block, block, Gen.Int[0, 3], ParserProperty.Text(20), (first, second, shape, junk) => shape switch
        {
            0 => first,
            1 => first + "\n" + second,
            2 => junk + "\n" + first + "\n" + junk,
            _ => first.Replace("\n", "\r\n", StringComparison.Ordinal),
        });
        return Gen.Frequency((8, document), (1, ParserProperty.Text(300)), (1, Gen.Select(document, Gen.Int[0, int.MaxValue], (pem, at) => pem.Remove(at % pem.Length, 1))));
    }
}
