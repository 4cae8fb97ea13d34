using System.Buffers.Binary;
using System.Text;

namespace OpenRolesAnywhere.Signers.SshAgent.Protocol;

/// <summary>
/// Reads the RFC 4251 section 5 types (byte, uint32, string, mpint) from a buffer, checking every length
/// against what is left so a lying peer gets an error, never an out-of-range read or a huge allocation.
/// </summary>
internal ref struct SshWireReader
{
    private ReadOnlySpan<byte> _rest;

    public SshWireReader(ReadOnlySpan<byte> data)
    {
        _rest = data;
    }

    public readonly bool IsEmpty => _rest.IsEmpty;

    public byte ReadByte() => Take(1)[0];

    public uint ReadUInt32() => BinaryPrimitives.ReadUInt32BigEndian(Take(4));

    /// <summary><c>string</c>: uint32 length, then that many bytes.</summary>
    public ReadOnlySpan<byte> ReadString()
    {
        var length = ReadUInt32();
        return length > (uint)_rest.Length
            ? throw new SshWireFormatException($"a string claims {length} bytes but only {_rest.Length} remain")
            : Take((int)length);
    }

    public string ReadUtf8()
    {
        try
        {
            return new UTF8Encoding(false, true).GetString(ReadString());
        }
        catch (DecoderFallbackException)
        {
            throw new SshWireFormatException("a text field is not UTF-8");
        }
    }

    /// <summary>
    /// <c>mpint</c>: a two's-complement big-endian string. Returns the magnitude of a positive value
    /// without leading zeros; zero and negative values are refused (no key or signature part is either).
    /// </summary>
    public ReadOnlySpan<byte> ReadPositiveMpint()
    {
        var value = ReadString();
        if (value.IsEmpty || (value[0] & 0x80) != 0)
        {
            throw new SshWireFormatException("an mpint is zero or negative");
        }

        var start = value.IndexOfAnyExcept((byte)0);
        return start < 0 ? throw new SshWireFormatException("an mpint is zero") : value[start..];
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count > _rest.Length)
        {
            throw new SshWireFormatException($"the message ends early: {count} more bytes expected, {_rest.Length} remain");
        }

        var taken = _rest[..count];
        _rest = _rest[count..];
        return taken;
    }
}
