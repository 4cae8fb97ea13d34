using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using OpenRolesAnywhere.Cli.Keys;
using OpenRolesAnywhere.Core.Credentials;
using OpenRolesAnywhere.Core.Signing;

namespace OpenRolesAnywhere.Cli.Commands;

/// <summary>
/// <c>read-certificate-data</c>, as the official helper's for a certificate it is given: one JSON object with the key
/// type, the certificate (base64 DER, as sent in X-Amz-X509), its serial number in decimal and the algorithms
/// <c>sign-string</c> offers for it.
/// </summary>
internal sealed class ReadCertificateDataCommand : Command
{
    public ReadCertificateDataCommand(CliEnvironment environment)
        : base("read-certificate-data", "Print a certificate's data as the official helper does: {\"keyType\", \"certificateData\", \"serialNumber\", \"supportedAlgorithms\"}.")
    {
        var certificate = new Option<string>("--certificate")
        {
            Description = "PEM certificate file, a pkcs11: URI of a certificate on a token, env:NAME (PEM text in a variable) or - (standard input).",
            Required = true,
        };
        var module = new KeyOptionSet().Module;
        Options.Add(certificate);
        Options.Add(module);
        SetAction(async (parseResult, cancellationToken) =>
        {
            var keys = KeySourceRegistration.Create(environment, parseResult.InvocationConfiguration.Error);
            using var bundle = keys.LoadCertificate(parseResult.GetValue(certificate)!, null, new KeySourceOptions { Module = parseResult.GetValue(module) });
            await parseResult.InvocationConfiguration.Output.WriteAsync(Format(bundle.Leaf.RawData, bundle.SerialNumberDecimal, PublicKeys.KindOf(bundle.Leaf.PublicKey)));
            return ExitCodes.Success;
        });
    }

    /// <summary>The official helper's field names; algorithms only the ones our signers sign (SHA-256, or ML-DSA itself).</summary>
    public static string Format(byte[] der, string serialNumber, SigningKeyKind kind)
    {
        var keyType = kind switch
        {
            SigningKeyKind.Rsa => "RSA",
            SigningKeyKind.EcdsaP256 or SigningKeyKind.EcdsaP384 => "EC",
            _ => kind.DisplayName(),
        };
        using var buffer = new MemoryStream();
        // Relaxed escaping: base64 as the official helper prints it ("+" not written as \u002B).
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("keyType", keyType);
            json.WriteString("certificateData", Convert.ToBase64String(der));
            json.WriteString("serialNumber", serialNumber);
            json.WriteStartArray("supportedAlgorithms");
            json.WriteStringValue(keyType.StartsWith("ML-DSA", StringComparison.Ordinal) ? keyType : keyType + "SHA256");
            json.WriteEndArray();
            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
