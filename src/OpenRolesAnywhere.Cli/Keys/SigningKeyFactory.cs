using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.Core.Certificates;
using OpenRolesAnywhere.Core.Credentials;
using OpenRolesAnywhere.Core.Signing;
using OpenRolesAnywhere.Signers.Pkcs11;
using OpenRolesAnywhere.Signers.SshAgent;

namespace OpenRolesAnywhere.Cli.Keys;

/// <summary>
/// Opens the key the flags name: a <c>pkcs11:</c> URI, a PEM file, or (by default) the SSH agent identity
/// given by fingerprint or matching the certificate.
/// </summary>
internal sealed class SigningKeyFactory : ISigningKeyFactory
{
    private readonly CliEnvironment _environment;
    private readonly TextWriter _prompt;

    public SigningKeyFactory(CliEnvironment environment, TextWriter prompt)
    {
        _environment = environment;
        _prompt = prompt;
    }

    public ISigningKey Open(KeySourceOptions options, CertificateBundle certificate) => OpenKey(options, certificate);

    /// <summary>Also used without a certificate (for a CSR), when the agent key must be named by fingerprint.</summary>
    public ISigningKey OpenKey(KeySourceOptions options, CertificateBundle? certificate)
    {
        if (options.PrivateKey is { } privateKey)
        {
            if (Pkcs11KeySource.IsPkcs11Uri(privateKey))
            {
                return Pkcs11().OpenKey(privateKey, options);
            }

            return FileSigningKey.Load(privateKey, () => Secret(options, $"Password for {privateKey}: "));
        }

        return SshAgentKeys.Open(options.SshFingerprint, certificate, _environment.Variable);
    }

    /// <summary>A PEM certificate file, or a certificate on a PKCS#11 token (<c>pkcs11:…;type=cert</c>).</summary>
    public CertificateBundle LoadCertificate(string certificate, string? intermediates, KeySourceOptions options) =>
        Pkcs11KeySource.IsPkcs11Uri(certificate)
            ? Pkcs11().LoadCertificate(certificate, options, intermediates)
            : CertificateBundle.Load(certificate, intermediates);

    /// <summary>The certificate reader a credential source of these options uses (files, or a token for <c>pkcs11:</c>).</summary>
    public Func<string, string?, CertificateBundle> CertificateLoader(KeySourceOptions options) =>
        (certificate, intermediates) => LoadCertificate(certificate, intermediates, options);

    // The PIN prompt only ever appears on a terminal: ReadSecret answers null when input is redirected.
    private Pkcs11KeySource Pkcs11() => new(_environment.Variable, prompt => ConsolePrompt.ReadSecret(prompt, _prompt));

    /// <summary>A password or PIN: from the named environment variable, else asked on the terminal without echo.</summary>
    private string? Secret(KeySourceOptions options, string prompt)
    {
        if (options.PasswordEnvironmentVariable is { } variable)
        {
            return _environment.Variable(variable) ?? throw new CredentialException(CredentialErrorKind.KeyLocked,
                $"The environment variable {variable} (named by --private-key-password-env) is not set.");
        }

        return ConsolePrompt.ReadSecret(prompt, _prompt);
    }
}
