using System.Security.Cryptography;
using System.Text;
using OpenRolesAnywhere.CertificateAuthority.Issuing;
using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.Core.Certificates;
using OpenRolesAnywhere.Core.Signing;
using OpenRolesAnywhere.Signers.SshAgent;

namespace OpenRolesAnywhere.Fuzz;

/// <summary>
/// The parser entry points the fuzzer drives, shared with the corpus regression test: each returns or throws a
/// <see cref="CredentialException"/> (swallowed here); any other exception is a finding (AFL++ sees a crash).
/// </summary>
public static class FuzzTargets
{
    public const string AgentReply = "agent-reply";
    public const string Pem = "pem";

    // Lazy: instrumented code may run only once SharpFuzz has set up the coverage map (Fuzzer.OutOfProcess.Run).
    private static readonly Lazy<SshAgentClient> LazyAgent = new(() => new SshAgentClient("/nonexistent/agent.sock", TimeSpan.FromSeconds(1)));
    private static readonly Lazy<SshAgentSigningKey[]> Keys = new(MakeKeys);

    private static SshAgentClient Agent => LazyAgent.Value;

    public static IReadOnlyList<string> Names { get; } = [AgentReply, Pem];

    public static void Run(string target, byte[] input)
    {
        try
        {
            switch (target)
            {
                case AgentReply:
                    RunAgentReply(input);
                    break;
                case Pem:
                    RunPem(Encoding.UTF8.GetString(input));
                    break;
                default:
                    throw new ArgumentException($"unknown target '{target}'; known: {string.Join(", ", Names)}", nameof(target));
            }
        }
        catch (CredentialException)
        {
            // The contract: a value or a CredentialException.
        }
    }

    /// <summary>An agent reply body: as a key list, as a signature, and that signature converted for both key kinds.</summary>
    private static void RunAgentReply(byte[] reply)
    {
        try
        {
            foreach (var identity in Agent.ReadIdentities(reply))
            {
                _ = (identity.ToString(), identity.PublicKey, identity.Unsupported);
            }
        }
        catch (CredentialException)
        {
            // Go on: the same bytes are also a signature reply.
        }

        if (Agent.ReadSignature(reply) is { } signature)
        {
            foreach (var key in Keys.Value)
            {
                try
                {
                    key.ToCreateSessionSignature(signature.Format, signature.Blob);
                }
                catch (CredentialException)
                {
                    // Next key kind.
                }
            }
        }
    }

    /// <summary>PEM text as a certificate file, a key file and a certificate request.</summary>
    private static void RunPem(string text)
    {
        try
        {
            var certificates = CertificateBundle.ParsePem(text, "fuzz.pem");
            if (certificates.Count > 0)
            {
                using var bundle = new CertificateBundle(certificates[0], certificates.Skip(1).ToList());
                _ = (bundle.SerialNumberDecimal, bundle.ArnsFromSubjectAlternativeName(), PublicKeys.KindOf(bundle.Leaf.PublicKey));
            }
        }
        catch (CredentialException)
        {
            // Go on to the other readers of the same text.
        }

        try
        {
            FileSigningKey.FromPem(text, "fuzz.pem", () => "password").Dispose();
        }
        catch (CredentialException)
        {
            // Go on.
        }

        SigningRequest.Parse(text, "fuzz.pem");
    }

    private static SshAgentSigningKey[] MakeKeys()
    {
        // Fresh keys each start: the conversion depends only on their kind and size, so runs stay repeatable.
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var rsa = RSA.Create(2048);
        var q = ec.ExportParameters(false).Q;
        var p = rsa.ExportParameters(false);
        byte[][] blobs =
        [
            [.. Field("ecdsa-sha2-nistp256"u8), .. Field("nistp256"u8), .. Field([4, .. q.X!, .. q.Y!])],
            [.. Field("ssh-rsa"u8), .. Field(p.Exponent!), .. Field([0, .. p.Modulus!])],
        ];
        return blobs.Select(blob => new SshAgentSigningKey(Agent, Agent.ReadIdentities([12, 0, 0, 0, 1, .. Field(blob), .. Field("fuzz"u8)])[0])).ToArray();
    }

    private static byte[] Field(ReadOnlySpan<byte> value) => [(byte)(value.Length >> 24), (byte)(value.Length >> 16), (byte)(value.Length >> 8), (byte)value.Length, .. value];
}
