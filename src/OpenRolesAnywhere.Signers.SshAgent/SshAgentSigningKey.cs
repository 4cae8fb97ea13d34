using System.Formats.Asn1;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.Core.Signing;
using OpenRolesAnywhere.Signers.SshAgent.Protocol;
using static OpenRolesAnywhere.Signers.SshAgent.Protocol.AgentMessageNumber;

namespace OpenRolesAnywhere.Signers.SshAgent;

/// <summary>
/// A key held by an SSH agent (OpenSSH, gpg-agent, Secretive, a YubiKey's agent...): RSA signs
/// <c>rsa-sha2-256</c>, ECDSA P-256 signs <c>ecdsa-sha2-nistp256</c>; both hash with SHA-256 themselves. A CA's
/// P-384 key signs <c>ecdsa-sha2-nistp384</c>, over SHA-384 (RFC 5656 6.2.1).
/// Made by <see cref="SshAgentKeys.OpenAsync"/>.
/// </summary>
public sealed class SshAgentSigningKey : ISigningKey
{
    private readonly SshAgentClient _agent;
    private readonly SshAgentIdentity _identity;

    internal SshAgentSigningKey(SshAgentClient agent, SshAgentIdentity identity)
    {
        _agent = agent;
        _identity = identity;
        Kind = identity.Kind ?? throw new ArgumentException("Only usable identities become signing keys.", nameof(identity));
        PublicKey = identity.PublicKey!;
    }

    public SigningKeyKind Kind { get; }

    public HashAlgorithmName SignatureHash => Kind == SigningKeyKind.EcdsaP384 ? HashAlgorithmName.SHA384 : HashAlgorithmName.SHA256;

    public PublicKey PublicKey { get; }

    public string Fingerprint => _identity.Fingerprint;

    public string Description => $"SSH agent key {_identity.Fingerprint} ({_identity.KeyType}{(_identity.Comment.Length > 0 ? ", " + _identity.Comment : "")})";

    public async Task<byte[]> SignAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        var flags = Kind == SigningKeyKind.Rsa ? SSH_AGENT_RSA_SHA2_256 : 0;
        var signature = await _agent.SignAsync(_identity.Blob, data, flags, cancellationToken)
            ?? throw await RefusalAsync(cancellationToken);
        return ToCreateSessionSignature(signature.Format, signature.Blob);
    }

    /// <summary>The agent's signature blob in the form CreateSession takes, or a <see cref="CredentialException"/>.</summary>
    internal byte[] ToCreateSessionSignature(string format, byte[] blob)
    {
        try
        {
            return Kind == SigningKeyKind.Rsa ? RsaSignature(format, blob) : EcdsaSignature(format, blob);
        }
        catch (SshWireFormatException e)
        {
            throw new CredentialException(CredentialErrorKind.SignerUnavailable,
                $"The SSH agent at {_agent.SocketPath} returned a malformed signature for {Fingerprint}: {e.Message}.");
        }
    }

    public void Dispose()
    {
        // Nothing is held open: each signature uses its own connection.
    }

    // rsa-sha2-256 signature blob: the PKCS#1 v1.5 signature, as long as the modulus
    private byte[] RsaSignature(string format, byte[] blob)
    {
        if (format != "rsa-sha2-256")
        {
            throw new CredentialException(CredentialErrorKind.KeyUnsupported,
                $"The SSH agent at {_agent.SocketPath} signed with {format} where rsa-sha2-256 was asked for: it cannot sign RSA over SHA-256. Use a current agent (OpenSSH 7.2 or later) or an ECDSA P-256 key.");
        }

        using var rsa = PublicKey.GetRSAPublicKey()!;
        var length = rsa.KeySize / 8;
        if (blob.Length == 0 || blob.Length > length)
        {
            throw new SshWireFormatException($"an RSA signature of {blob.Length} bytes for a {rsa.KeySize}-bit key");
        }

        // Some agents drop leading zero bytes; PKCS#1 signatures are exactly as long as the modulus.
        var signature = new byte[length];
        blob.CopyTo(signature, length - blob.Length);
        return signature;
    }

    // ecdsa-sha2-nistp256/384 signature blob: mpint r, mpint s; X.509 and CreateSession want DER SEQUENCE { INTEGER r, INTEGER s }
    private byte[] EcdsaSignature(string format, byte[] blob)
    {
        if (format != _identity.KeyType)
        {
            throw new SshWireFormatException($"a signature of format {format} for a {_identity.KeyType} key");
        }

        var reader = new SshWireReader(blob);
        var r = reader.ReadPositiveMpint();
        var s = reader.ReadPositiveMpint();
        var (curve, length) = Kind == SigningKeyKind.EcdsaP384 ? ("P-384", 48) : ("P-256", 32);
        if (r.Length > length || s.Length > length)
        {
            throw new SshWireFormatException($"an ECDSA {curve} signature part longer than {length} bytes");
        }

        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteInteger(new BigInteger(r, isUnsigned: true, isBigEndian: true));
            writer.WriteInteger(new BigInteger(s, isUnsigned: true, isBigEndian: true));
        }

        return writer.Encode();
    }

    /// <summary>
    /// SSH_AGENT_FAILURE says nothing about why, so ask what the agent still holds: the key removed, the
    /// agent locked (it then lists no keys), or the key there but refusing (confirmation denied, no touch).
    /// </summary>
    private async Task<CredentialException> RefusalAsync(CancellationToken cancellationToken)
    {
        var identities = await _agent.ListIdentitiesAsync(cancellationToken);
        if (identities.Count == 0)
        {
            return new CredentialException(CredentialErrorKind.KeyLocked,
                $"The SSH agent at {_agent.SocketPath} refused to sign with {Fingerprint} and now lists no keys: it is locked (unlock it with `ssh-add -X`) or its keys were removed (add yours with `ssh-add KEYFILE`).");
        }

        if (!identities.Any(i => i.Fingerprint == Fingerprint))
        {
            return new CredentialException(CredentialErrorKind.KeyNotFound,
                $"The SSH agent at {_agent.SocketPath} no longer holds the key {Fingerprint}: add it again with `ssh-add KEYFILE`. It holds: {SshAgentKeys.Describe(identities)}.");
        }

        return new CredentialException(CredentialErrorKind.KeyLocked,
            $"The SSH agent at {_agent.SocketPath} refused to sign with {Fingerprint}: a confirmation was denied (`ssh-add -c`), a hardware key was not touched, or the agent's policy forbids it. Try again, confirming on the device or prompt.");
    }
}
