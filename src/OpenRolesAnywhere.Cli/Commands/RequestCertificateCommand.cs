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
        var fingerprint = new Option<string?>("--ssh-fingerprint") { Description = "The SSH agent key, as `ssh-add -l` prints it (SHA256:...)." };
        var privateKey = new Option<string?>("--private-key") { Description = "A PEM key file or pkcs11: URI instead of an agent key." };
        var pkcs11Library = new Option<string?>("--pkcs11-lib") { Description = "PKCS#11 module (.so) when the pkcs11: URI names none." };
        var password = new Option<string?>("--private-key-password-env") { Description = "Environment variable holding the key file's password or the token's PIN." };
        var commonName = new Option<string?>("--common-name") { Description = "Subject common name to ask for (default: your user name)." };
        var publicKeyOnly = new Option<bool>("--public-key") { Description = "Print the bare PEM public key instead of a CSR (the original tool's form; the CSR is better: it proves you hold the key)." };
        foreach (var option in new Option[] { fingerprint, privateKey, pkcs11Library, password, commonName, publicKeyOnly })
        {
            Options.Add(option);
        }

        Validators.Add(result =>
        {
            if ((result.GetValue(fingerprint) is null) == (result.GetValue(privateKey) is null))
            {
                result.AddError("Name the key: --ssh-fingerprint SHA256:... (see `ssh-add -l`) or --private-key FILE|pkcs11:URI.");
            }
        });

        SetAction(async (parseResult, cancellationToken) =>
        {
            var keys = new SigningKeyFactory(environment, parseResult.InvocationConfiguration.Error);
            using var key = keys.OpenKey(new KeySourceOptions
            {
                SshFingerprint = parseResult.GetValue(fingerprint),
                PrivateKey = parseResult.GetValue(privateKey),
                Pkcs11Library = parseResult.GetValue(pkcs11Library),
                PasswordEnvironmentVariable = parseResult.GetValue(password),
            }, certificate: null);
            var output = parseResult.InvocationConfiguration.Output;
            if (parseResult.GetValue(publicKeyOnly))
            {
                await output.WriteLineAsync(PemEncoding.WriteString("PUBLIC KEY", key.PublicKey.ExportSubjectPublicKeyInfo()));
                return ExitCodes.Success;
            }

            var name = parseResult.GetValue(commonName) ?? environment.Variable("USER") ?? Environment.UserName;
            await output.WriteLineAsync(CreateRequestPem(key, name));
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
