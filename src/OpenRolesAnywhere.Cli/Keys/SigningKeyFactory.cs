using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.Core.Certificates;
using OpenRolesAnywhere.Core.Credentials;
using OpenRolesAnywhere.Core.Signing;
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
            if (privateKey.StartsWith("pkcs11:", StringComparison.OrdinalIgnoreCase))
            {
                throw new CredentialException(CredentialErrorKind.KeyUnsupported, "PKCS#11 keys are not supported by this build.");
            }

            return FileSigningKey.Load(privateKey, () => Secret(options, $"Password for {privateKey}: "));
        }

        return SshAgentKeys.Open(options.SshFingerprint, certificate, _environment.Variable);
    }

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
