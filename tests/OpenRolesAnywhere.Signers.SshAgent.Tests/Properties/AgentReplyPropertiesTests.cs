using System.Security.Cryptography;
using System.Text;
using CsCheck;
using OpenRolesAnywhere.Core.Signing;
using OpenRolesAnywhere.Signers.SshAgent.Protocol;
using OpenRolesAnywhere.TestCommon.Properties;

namespace OpenRolesAnywhere.Signers.SshAgent.Tests.Properties;

/// <summary>
/// Whatever an agent (or whatever SSH_AUTH_SOCK points at) replies, the client gets identities, a signature,
/// or a CredentialException: never another exception, never a hang.
/// </summary>
public sealed class AgentReplyPropertiesTests
{
    private static readonly SshAgentClient Client = new("/nonexistent/agent.sock", TimeSpan.FromSeconds(1));

    [Fact]
    public void ReadIdentities_AnyReply_GivesIdentitiesOrACredentialException() =>
        ParserProperty.Holds(Replies(AgentReplySeeds.All), reply => Describe(Client.ReadIdentities(reply)), ParserProperty.Hex);

    [Fact]
    public void ReadSignature_AnyReply_GivesASignatureOrACredentialException() =>
        ParserProperty.Holds(Replies(AgentReplySeeds.All), reply => Client.ReadSignature(reply), ParserProperty.Hex);

    [Fact]
    public void ToCreateSessionSignature_AnySignatureBlob_GivesDerOrACredentialException()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var rsa = RSA.Create(2048);
        var keys = new[] { KeyFor(AgentReplySeeds.EcdsaBlob(ec)), KeyFor(AgentReplySeeds.RsaBlob(rsa)) };
        var formats = Gen.Int[0, 4].Select(i => new[] { "ecdsa-sha2-nistp256", "rsa-sha2-256", "ssh-rsa", "rsa-sha2-512", "" }[i]);
        byte[][] seeds = [AgentReplySeeds.EcdsaSignatureBlob(ec), rsa.SignData([1, 2, 3], HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)];

        ParserProperty.Holds(Gen.Select(Gen.Int[0, 1], formats, Gen.Frequency((3, PemInputs.Mutated(seeds)), (1, ParserProperty.Bytes(600)))),
            t => keys[t.Item1].ToCreateSessionSignature(t.Item2, t.Item3));
    }

    [Fact]
    public void ReadIdentities_WellFormedAnswer_GivesEveryKeyWithItsCommentAndFingerprint()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var rsa = RSA.Create(2048);
        byte[][] blobs = [AgentReplySeeds.EcdsaBlob(ec), AgentReplySeeds.RsaBlob(rsa), AgentReplySeeds.Ed25519Blob];

        Gen.Select(Gen.Int[0, 2], ParserProperty.Text(30).Where(t => !t.Any(char.IsSurrogate))).Array[0, 6].Sample(keys =>
        {
            var reply = AgentReplySeeds.IdentitiesAnswer(keys.Select(k => (blobs[k.Item1], k.Item2)).ToArray());
            var identities = Client.ReadIdentities(reply);
            Assert.Equal(keys.Select(k => k.Item2), identities.Select(i => i.Comment));
            Assert.Equal(keys.Select(k => SshKeyBlob.Fingerprint(blobs[k.Item1])), identities.Select(i => i.Fingerprint));
            Assert.Equal(keys.Select(k => k.Item1 != 2), identities.Select(i => i.Unsupported is null));
        }, iter: 300, threads: 1);
    }

    private static Gen<byte[]> Replies(IReadOnlyList<byte[]> seeds) =>
        Gen.Frequency((4, PemInputs.Mutated(seeds)), (1, ParserProperty.Bytes()), (1, Gen.Byte.Array[0, 40].Select(b => (byte[])[12, .. b])), (1, Gen.Byte.Array[0, 40].Select(b => (byte[])[14, .. b])));

    private static string Describe(IReadOnlyList<SshAgentIdentity> identities) =>
        string.Join(',', identities.Select(i => $"{i} {i.PublicKey?.Oid.Value} {i.Unsupported}"));

    private static SshAgentSigningKey KeyFor(byte[] blob) =>
        new(Client, Client.ReadIdentities(AgentReplySeeds.IdentitiesAnswer((blob, "k")))[0]);
}

/// <summary>Well-formed agent replies (bodies, without the length) for seeding mutations, built from .NET keys.</summary>
internal static class AgentReplySeeds
{
    public static readonly byte[] Ed25519Blob = [.. Wire.String("ssh-ed25519"), .. Wire.String(new byte[32])];

    public static IReadOnlyList<byte[]> All { get; } = Build();

    public static byte[] EcdsaBlob(ECDsa key)
    {
        var q = key.ExportParameters(false).Q;
        return [.. Wire.String("ecdsa-sha2-nistp256"), .. Wire.String("nistp256"), .. Wire.String([4, .. q.X!, .. q.Y!])];
    }

    public static byte[] RsaBlob(RSA key)
    {
        var p = key.ExportParameters(false);
        return [.. Wire.String("ssh-rsa"), .. Wire.String(Mpint(p.Exponent!)), .. Wire.String(Mpint(p.Modulus!))];
    }

    public static byte[] EcdsaSignatureBlob(ECDsa key)
    {
        var signature = key.SignData([1, 2, 3], HashAlgorithmName.SHA256);
        return [.. Wire.String(Mpint(signature[..32])), .. Wire.String(Mpint(signature[32..]))];
    }

    public static byte[] IdentitiesAnswer(params (byte[] Blob, string Comment)[] keys) =>
        [12, .. Wire.UInt32((uint)keys.Length), .. keys.SelectMany(k => (byte[])[.. Wire.String(k.Blob), .. Wire.String(Encoding.UTF8.GetBytes(k.Comment))])];

    public static byte[] SignResponse(string format, byte[] blob) => [14, .. Wire.String([.. Wire.String(format), .. Wire.String(blob)])];

    private static byte[] Mpint(byte[] magnitude) => (magnitude[0] & 0x80) != 0 ? [0, .. magnitude] : magnitude;

    private static List<byte[]> Build()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        using var rsa = RSA.Create(2048);
        var p384Q = p384.ExportParameters(false).Q;
        byte[] p384Blob = [.. Wire.String("ecdsa-sha2-nistp384"), .. Wire.String("nistp384"), .. Wire.String([4, .. p384Q.X!, .. p384Q.Y!])];
        return
        [
            IdentitiesAnswer((EcdsaBlob(ec), "work@laptop"), (RsaBlob(rsa), "rsa"), (Ed25519Blob, "ed"), (p384Blob, "p384")),
            IdentitiesAnswer(),
            SignResponse("ecdsa-sha2-nistp256", EcdsaSignatureBlob(ec)),
            SignResponse("rsa-sha2-256", rsa.SignData([1], HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)),
            [5],
        ];
    }
}
