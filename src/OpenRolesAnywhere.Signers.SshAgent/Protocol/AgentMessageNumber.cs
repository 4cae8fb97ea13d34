namespace OpenRolesAnywhere.Signers.SshAgent.Protocol;

/// <summary>The draft-miller-ssh-agent message numbers and flags we speak, named as the draft names them.</summary>
internal static class AgentMessageNumber
{
    public const byte SSH_AGENT_FAILURE = 5;
    public const byte SSH2_AGENTC_REQUEST_IDENTITIES = 11;
    public const byte SSH2_AGENT_IDENTITIES_ANSWER = 12;
    public const byte SSH2_AGENTC_SIGN_REQUEST = 13;
    public const byte SSH2_AGENT_SIGN_RESPONSE = 14;

    /// <summary>Sign-request flag: an RSA key signs <c>rsa-sha2-256</c> (PKCS#1 v1.5 over SHA-256), not SHA-1.</summary>
    public const uint SSH_AGENT_RSA_SHA2_256 = 2;
}
