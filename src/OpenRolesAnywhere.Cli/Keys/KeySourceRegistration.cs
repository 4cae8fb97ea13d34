using OpenRolesAnywhere.Core.KeySources;
using OpenRolesAnywhere.Signers.Pkcs11;
using OpenRolesAnywhere.Signers.SshAgent;

namespace OpenRolesAnywhere.Cli.Keys;

/// <summary>
/// The one list of key backends, shared by every command that opens a key or reads a certificate
/// (credential-process, serve, request-certificate). A new backend is one line here.
/// </summary>
internal static class KeySourceRegistration
{
    /// <param name="prompt">Where PIN and password prompts go; they appear only on a terminal (ReadSecret answers null otherwise).</param>
    public static KeySourceProviders Create(CliEnvironment environment, TextWriter prompt)
    {
        Func<string, string?> ask = text => ConsolePrompt.ReadSecret(text, prompt);
        return new KeySourceProviders(
        [
            new Pkcs11KeySource(environment.Variable, ask),
            new SshAgentKeySource(environment.Variable),
            // Last: it takes every reference that is not a URI (and env:NAME, -).
            new FileKeySource(environment.Variable, ask, environment.StandardInput),
        ]);
    }
}
