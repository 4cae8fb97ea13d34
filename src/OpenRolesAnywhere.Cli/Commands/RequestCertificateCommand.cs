using System.CommandLine;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using OpenRolesAnywhere.Cli.Keys;
using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.Core.Credentials;
using OpenRolesAnywhere.Core.Signing;

namespace OpenRolesAnywhere.Cli.Commands;

/// <summary>
/// Prints a PKCS#10 request signed by the held key (proof of possession) for the administrator's
/// <c>admin accept-request</c>; <c>--public-key</c> prints the bare public key as the original tool did.
/// </summary>
internal sealed class RequestCertificateCommand : Command
{
    public RequestCertificateCommand(CliEnvironment environment)
        : base("request-certificate", "Print a certificate signing request (PEM) signed by your key, for your administrator.")
    {
        var key = new KeyOptionSet();
        key.AddTo(this, required: true);
        var commonName = new Option<string?>("--common-name") { Description = "Subject common name to ask for. [default: your user name]" };
        var publicKeyOnly = new Option<bool>("--public-key") { Description = "Print the bare PEM public key instead of a CSR (the original tool's form; the CSR is better: it proves you hold the key)." };
        Options.Add(commonName);
        Options.Add(publicKeyOnly);
        SetAction(async (parseResult, cancellationToken) =>
        {
            var keys = KeySourceRegistration.Create(environment, parseResult.InvocationConfiguration.Error);
            using var signingKey = await keys.OpenAsync(key.Bind(parseResult), certificate: null, cancellationToken);
            var output = parseResult.InvocationConfiguration.Output;
            if (parseResult.GetValue(publicKeyOnly))
            {
                await output.WriteLineAsync(PemEncoding.WriteString("PUBLIC KEY", signingKey.PublicKey.ExportSubjectPublicKeyInfo()));
                return ExitCodes.Success;
            }

            var name = parseResult.GetValue(commonName) ?? environment.Variable("USER") ?? Environment.UserName;
            await output.WriteLineAsync(CreateRequestPem(signingKey, name));
            return ExitCodes.Success;
        });
    }

    public static string CreateRequestPem(ISigningKey key, string commonName)
    {
        var subject = new X500DistinguishedNameBuilder();
        try
        {
            subject.AddCommonName(commonName);
        }
        catch (ArgumentException e)
        {
            throw new CredentialException(CredentialErrorKind.InvalidInput, $"'{commonName}' cannot be a common name: {e.Message}");
        }

        var request = new CertificateRequest(subject.Build(), key.PublicKey, HashAlgorithmName.SHA256);
        return request.CreateSigningRequestPem(new SigningKeySignatureGenerator(key));
    }
}
