using System.Security.Cryptography.X509Certificates;
using OpenRolesAnywhere.Core.Signing;
using OpenRolesAnywhere.Signers.SshAgent.Protocol;

namespace OpenRolesAnywhere.Signers.SshAgent;

/// <summary>One key an SSH agent holds, as <c>ssh-add -l</c> lists it.</summary>
public sealed class SshAgentIdentity
{
    private readonly byte[] _blob;
    private readonly SshKeyBlob _parsed;

    internal SshAgentIdentity(byte[] blob, string comment)
    {
        _blob = blob;
        _parsed = SshKeyBlob.Parse(blob);
        Comment = comment;
        Fingerprint = SshKeyBlob.Fingerprint(blob);
    }

    /// <summary><c>SHA256:</c> and unpadded base64, as <c>ssh-add -l</c> prints it.</summary>
    public string Fingerprint { get; }

    /// <summary>The SSH key type: <c>ssh-rsa</c>, <c>ecdsa-sha2-nistp256</c>, <c>ssh-ed25519</c>, ...</summary>
    public string KeyType => _parsed.KeyType;

    /// <summary>Whatever the key was added with, usually the file name or user@host.</summary>
    public string Comment { get; }

    /// <summary>The public key, for RSA and ECDSA keys; null for types .NET certificates cannot carry.</summary>
    public PublicKey? PublicKey => _parsed.PublicKey;

    /// <summary>Why Roles Anywhere cannot use this key and what to do instead; null when it can.</summary>
    public string? Unsupported => _parsed.Unsupported;

    internal SigningKeyKind? Kind => _parsed.Kind;

    internal ReadOnlyMemory<byte> Blob => _blob;

    public override string ToString() => $"{Fingerprint} {KeyType} {Comment}";
}
