using System.CommandLine;
using OpenRolesAnywhere.Core.Credentials;

namespace OpenRolesAnywhere.Cli.Commands;

/// <summary>The flags that name a private key, one set for every command that opens one.</summary>
internal sealed class KeyOptionSet
{
    public Option<string?> PrivateKey { get; } = new("--private-key") { Description = "PEM private key file, or a pkcs11: URI of a key on a token or TPM, instead of an SSH agent key; env:NAME or - reads the PEM text from an environment variable or standard input (never written to disk)." };
    public Option<string?> SshFingerprint { get; } = new("--ssh-fingerprint") { Description = "The SSH agent key to sign with, as `ssh-add -l` prints it (SHA256:...). With neither flag, the agent key matching the certificate signs." };
    public Option<string?> Module { get; } = new("--pkcs11-lib") { Description = "PKCS#11 module (.so) when the pkcs11: URI names none." };
    public Option<string?> PasswordVariable { get; } = new("--private-key-password-env") { Description = "Environment variable holding the key file's password or the token's PIN (asked for on a terminal otherwise)." };

    /// <param name="required">Whether the key must be named (no certificate to match an agent key against).</param>
    public void AddTo(Command command, bool required)
    {
        foreach (var option in new Option[] { PrivateKey, SshFingerprint, Module, PasswordVariable })
        {
            command.Options.Add(option);
        }

        command.Validators.Add(result =>
        {
            var privateKey = result.GetValue(PrivateKey) is not null;
            var fingerprint = result.GetValue(SshFingerprint) is not null;
            if (required && privateKey == fingerprint)
            {
                result.AddError("Name the key: --ssh-fingerprint SHA256:... (see `ssh-add -l`) or --private-key FILE|pkcs11:URI.");
            }
            else if (privateKey && fingerprint)
            {
                result.AddError("Give --private-key or --ssh-fingerprint, not both.");
            }
        });
    }

    public KeySourceOptions Bind(ParseResult result) => new()
    {
        PrivateKey = result.GetValue(PrivateKey),
        SshFingerprint = result.GetValue(SshFingerprint),
        Module = result.GetValue(Module),
        PasswordEnvironmentVariable = result.GetValue(PasswordVariable),
    };
}
