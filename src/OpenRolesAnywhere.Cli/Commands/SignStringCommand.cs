using System.CommandLine;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using OpenRolesAnywhere.Cli.Keys;

namespace OpenRolesAnywhere.Cli.Commands;

/// <summary>
/// <c>sign-string</c>, as the official helper's: signs its fixed test string with the key, to check a key works
/// without calling AWS. The string is <c>"AWS Roles Anywhere Credential Helper Signing Test" || "1" ||
/// SHA256("IAM RA" || public key)</c> (the point uncompressed for EC, PKCS#1 RSAPublicKey for RSA, nothing else for ML-DSA).
/// </summary>
internal sealed class SignStringCommand : Command
{
    private const string FixedPrefix = "AWS Roles Anywhere Credential Helper Signing Test1";

    public SignStringCommand(CliEnvironment environment)
        : base("sign-string", "Sign the official helper's fixed test string with the key (SHA-256), printing the signature in hex: checks a key works without calling AWS.")
    {
        var key = new KeyOptionSet();
        key.AddTo(this, required: true);
        var format = new Option<string>("--format") { Description = "json (the hex signature as a JSON string; default), text (hex) or bin (raw bytes).", DefaultValueFactory = _ => "json" };
        format.AcceptOnlyFromAmong("json", "text", "bin");
        // Every signer here (agent, token, file) signs SHA-256, the digest Roles Anywhere's X.509 SigV4 uses.
        var digest = new Option<string>("--digest") { Description = "SHA256, the only digest (accepted for the official helper's scripts).", DefaultValueFactory = _ => "SHA256" };
        digest.AcceptOnlyFromAmong("SHA256");
        var debug = SigningDebug.CreateOption();
        Options.Add(format);
        Options.Add(digest);
        Options.Add(debug);
        SetAction(async (parseResult, cancellationToken) =>
        {
            var error = parseResult.InvocationConfiguration.Error;
            var keys = KeySourceRegistration.Create(environment, error);
            using var signingKey = await keys.OpenAsync(key.Bind(parseResult), certificate: null, cancellationToken);
            if (parseResult.GetValue(debug))
            {
                await error.WriteLineAsync($"openrolesanywhere: debug: signing \"{FixedPrefix}\" || SHA256(\"IAM RA\" || public key) with the {signingKey.Description}");
            }

            var signature = await signingKey.SignAsync(FixedString(signingKey.PublicKey), cancellationToken);
            await WriteAsync(parseResult.InvocationConfiguration.Output, parseResult.GetValue(format)!, signature);
            return ExitCodes.Success;
        });
    }

    public static byte[] FixedString(PublicKey publicKey)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        byte[]? keyBytes = publicKey.GetECDsaPublicKey() is { } ec ? Uncompressed(ec.ExportParameters(false).Q)
            : publicKey.GetRSAPublicKey() is { } rsa ? rsa.ExportRSAPublicKey()
            : null;
        var suffix = keyBytes is null ? [] : SHA256.HashData([.. "IAM RA"u8, .. keyBytes]);
        return [.. Encoding.ASCII.GetBytes(FixedPrefix), .. suffix];
    }

    private static byte[] Uncompressed(ECPoint point) => [0x04, .. point.X!, .. point.Y!];

    /// <summary>As the official helper prints it: no trailing newline in any format.</summary>
    private static async Task WriteAsync(TextWriter output, string format, byte[] signature)
    {
        var hex = Convert.ToHexStringLower(signature);
        switch (format)
        {
            case "bin":
                // Raw bytes cannot go through a TextWriter: this format writes to the process's standard output.
                await output.FlushAsync();
                using (var stdout = Console.OpenStandardOutput())
                {
                    await stdout.WriteAsync(signature);
                }

                break;
            case "text":
                await output.WriteAsync(hex);
                break;
            default:
                await output.WriteAsync($"\"{hex}\"");
                break;
        }
    }
}
