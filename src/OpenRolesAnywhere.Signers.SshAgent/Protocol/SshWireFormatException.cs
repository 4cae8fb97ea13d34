namespace OpenRolesAnywhere.Signers.SshAgent.Protocol;

/// <summary>Bytes that do not follow the SSH wire encoding; callers turn it into a message that names the sender.</summary>
internal sealed class SshWireFormatException : Exception
{
    public SshWireFormatException(string message)
        : base(message)
    {
    }
}
