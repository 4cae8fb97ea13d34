using System.Buffers;
using System.Buffers.Binary;

namespace OpenRolesAnywhere.Signers.SshAgent.Protocol;

/// <summary>Builds one agent message: <c>uint32 length, byte type, contents</c>.</summary>
internal sealed class SshWireWriter
{
    private readonly ArrayBufferWriter<byte> _buffer = new();

    public SshWireWriter(byte messageNumber)
    {
        WriteUInt32(0); // the length, filled in by ToFrame
        _buffer.Write([messageNumber]);
    }

    public void WriteUInt32(uint value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(_buffer.GetSpan(4), value);
        _buffer.Advance(4);
    }

    public void WriteString(ReadOnlySpan<byte> value)
    {
        WriteUInt32((uint)value.Length);
        _buffer.Write(value);
    }

    public byte[] ToFrame()
    {
        var frame = _buffer.WrittenSpan.ToArray();
        BinaryPrimitives.WriteUInt32BigEndian(frame, (uint)(frame.Length - 4));
        return frame;
    }
}
