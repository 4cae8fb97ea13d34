using System.Buffers.Binary;
using System.Text;

namespace OpenRolesAnywhere.Signers.SshAgent.Tests;

/// <summary>Hand-made SSH wire fields, written independently of the code under test.</summary>
internal static class Wire
{
    public static byte[] UInt32(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return bytes;
    }

    public static byte[] String(byte[] value) => [.. UInt32((uint)value.Length), .. value];

    public static byte[] String(string value) => String(Encoding.UTF8.GetBytes(value));

    /// <summary>The key blob in a <c>.pub</c> file: its second field, base64.</summary>
    public static byte[] BlobOf(string publicKeyPath) => Convert.FromBase64String(File.ReadAllText(publicKeyPath).Split(' ')[1]);

    /// <summary>SSH2_AGENT_IDENTITIES_ANSWER (12) listing the given blobs, each with a comment.</summary>
    public static byte[] IdentitiesAnswer(params byte[][] blobs) =>
        FakeAgent.Frame([12, .. UInt32((uint)blobs.Length), .. blobs.SelectMany(b => (byte[])[.. String(b), .. String("fake")])]);

    /// <summary>SSH2_AGENT_SIGN_RESPONSE (14): string signature = string format, string blob.</summary>
    public static byte[] SignResponse(string format, byte[] blob) =>
        FakeAgent.Frame([14, .. String([.. String(format), .. String(blob)])]);
}
