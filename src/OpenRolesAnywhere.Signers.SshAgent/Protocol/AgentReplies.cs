using static OpenRolesAnywhere.Signers.SshAgent.Protocol.AgentMessageNumber;

namespace OpenRolesAnywhere.Signers.SshAgent.Protocol;

/// <summary>
/// The agent's replies as functions of their bytes alone, so they are property-tested and fuzzed without a
/// socket. Anything that is not draft-miller-ssh-agent is a <see cref="SshWireFormatException"/>.
/// </summary>
internal static class AgentReplies
{
    // SSH2_AGENT_IDENTITIES_ANSWER: byte 12, uint32 nkeys, nkeys * (string key blob, string comment)
    public static List<SshAgentIdentity> Identities(byte[] reply)
    {
        var reader = new SshWireReader(reply);
        Expect(ref reader, SSH2_AGENT_IDENTITIES_ANSWER);
        var count = reader.ReadUInt32();
        var identities = new List<SshAgentIdentity>();
        for (var i = 0u; i < count; i++)
        {
            // Each identity takes at least 8 bytes, so a lying count runs out of data within the 256 KiB bound.
            var blob = reader.ReadString().ToArray();
            identities.Add(new SshAgentIdentity(blob, reader.ReadUtf8()));
        }

        return identities;
    }

    // SSH2_AGENT_SIGN_RESPONSE: byte 14, string signature (= string format, string blob)
    // SSH_AGENT_FAILURE:        byte 5
    public static (string Format, byte[] Blob)? Signature(byte[] reply)
    {
        var reader = new SshWireReader(reply);
        if (reader.ReadByte() == SSH_AGENT_FAILURE)
        {
            return null;
        }

        reader = new SshWireReader(reply);
        Expect(ref reader, SSH2_AGENT_SIGN_RESPONSE);
        var signature = new SshWireReader(reader.ReadString());
        return (signature.ReadUtf8(), signature.ReadString().ToArray());
    }

    private static void Expect(ref SshWireReader reader, byte messageNumber)
    {
        var actual = reader.ReadByte();
        if (actual != messageNumber)
        {
            throw new SshWireFormatException(actual == SSH_AGENT_FAILURE
                ? "the agent answered SSH_AGENT_FAILURE"
                : $"message number {actual} came where {messageNumber} was expected");
        }
    }
}
