using System.Diagnostics;
using System.Text.Json;

namespace OpenRolesAnywhere.TestCommon.FakeRolesAnywhere;

/// <summary>
/// ML-DSA verification by another implementation than the product's (BouncyCastle, or .NET's MLDsa where
/// OpenSSL 3.5 has it): @noble/post-quantum under node, installed once under artifacts/ from npm.
/// </summary>
public static class NobleMlDsa
{
    public const string Package = "@noble/post-quantum@0.7.1";
    private static readonly Lock InstallLock = new();

    private const string Script = """
        import { ml_dsa44, ml_dsa65, ml_dsa87 } from '@noble/post-quantum/ml-dsa.js';
        let input = '';
        for await (const chunk of process.stdin) input += chunk;
        const { level, publicKey, message, signature } = JSON.parse(input);
        const algorithm = { 44: ml_dsa44, 65: ml_dsa65, 87: ml_dsa87 }[level];
        const bytes = (b64) => new Uint8Array(Buffer.from(b64, 'base64'));
        // Pure ML-DSA, empty context: what AWS4-X509-MLDSA signs.
        process.exit(algorithm.verify(bytes(signature), bytes(message), bytes(publicKey)) ? 0 : 1);
        """;

    public static string Directory { get; } = Path.Combine(ProcessRunner.RepositoryRoot(), "artifacts", "mldsa-judge");

    /// <param name="level">44, 65 or 87.</param>
    /// <param name="publicKey">The raw public key (the SubjectPublicKeyInfo's BIT STRING).</param>
    public static bool Verify(int level, byte[] publicKey, byte[] message, byte[] signature)
    {
        EnsureInstalled();
        var start = new ProcessStartInfo("node", [Path.Combine(Directory, "verify.mjs")])
        {
            RedirectStandardInput = true,
            RedirectStandardError = true,
            WorkingDirectory = Directory,
        };
        using var node = Process.Start(start)!;
        node.StandardInput.Write(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["level"] = level,
            ["publicKey"] = Convert.ToBase64String(publicKey),
            ["message"] = Convert.ToBase64String(message),
            ["signature"] = Convert.ToBase64String(signature),
        }));
        node.StandardInput.Close();
        var error = node.StandardError.ReadToEnd();
        node.WaitForExit();
        return node.ExitCode switch
        {
            0 => true,
            1 => false,
            _ => throw new InvalidOperationException($"node could not verify ML-DSA: {error}"),
        };
    }

    private static void EnsureInstalled()
    {
        lock (InstallLock)
        {
            if (!System.IO.Directory.Exists(Path.Combine(Directory, "node_modules", "@noble", "post-quantum")))
            {
                var install = ProcessRunner.RunAsync("npm", ["install", "--no-audit", "--no-fund", "--prefix", Directory, Package], timeout: TimeSpan.FromMinutes(3))
                    .GetAwaiter().GetResult();
                if (install.ExitCode != 0)
                {
                    throw new InvalidOperationException("npm install " + Package + " failed: " + install.Error);
                }
            }

            File.WriteAllText(Path.Combine(Directory, "verify.mjs"), Script);
        }
    }
}
