using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.Core.Configuration;
using OpenRolesAnywhere.Signers.Pkcs11.Uris;

namespace OpenRolesAnywhere.Signers.Pkcs11.Pins;

/// <summary>
/// Finds a token's PIN, in this order: the URI's <c>pin-value</c>, its <c>pin-source</c> file, the environment
/// variable named by <c>--private-key-password-env</c>, and last a no-echo prompt when a terminal is attached.
/// The PIN is asked for only when a login is needed, and kept in memory after it worked so a re-inserted token
/// can be logged into again without asking.
/// </summary>
internal sealed class Pkcs11PinResolver
{
    private readonly Pkcs11Uri _uri;
    private readonly string? _environmentVariable;
    private readonly Func<string, string?> _environment;
    private readonly Func<string, string?>? _prompt;
    private string? _accepted;

    public Pkcs11PinResolver(Pkcs11Uri uri, string? environmentVariable, Func<string, string?> environment, Func<string, string?>? prompt)
    {
        _uri = uri;
        _environmentVariable = environmentVariable;
        _environment = environment;
        _prompt = prompt;
    }

    /// <summary>The PIN to log in with, or a message saying how to give one.</summary>
    public string Resolve(string token)
    {
        if (_accepted is not null)
        {
            return _accepted;
        }

        if (_uri.PinValue is { } value)
        {
            return value;
        }

        if (_uri.PinSource is { } source)
        {
            return ReadPinFile(source);
        }

        if (_environmentVariable is { Length: > 0 } variable)
        {
            return _environment(variable) ?? throw new CredentialException(CredentialErrorKind.KeyLocked,
                $"The environment variable {variable} (named by --private-key-password-env) is not set, so there is no PIN for {token}.");
        }

        return _prompt?.Invoke($"PIN for {token}: ") ?? throw new CredentialException(CredentialErrorKind.KeyLocked,
            $"{token} needs its PIN and there is no terminal to ask on. Give it in an environment variable named by --private-key-password-env, or in a file with pin-source=file:/path in the URI.");
    }

    /// <summary>Whether a PIN was given (URI, file, environment), so using it asks nobody anything.</summary>
    public bool IsGiven => _accepted is not null || _uri.PinValue is not null || _uri.PinSource is not null || _environmentVariable is { Length: > 0 };

    /// <summary>Remembers a PIN the token accepted, for logging in again after the token comes back.</summary>
    public void Accepted(string pin) => _accepted = pin;

    private string ReadPinFile(string source)
    {
        string path;
        if (source.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            // file:/p, file:///p and file://localhost/p all name /p (RFC 8089); the URI is already percent-decoded.
            var rest = source["file:".Length..];
            rest = rest.StartsWith("//localhost/", StringComparison.OrdinalIgnoreCase) ? rest["//localhost".Length..]
                : rest.StartsWith("///", StringComparison.Ordinal) ? rest[2..]
                : rest;
            path = rest.StartsWith('/') && !rest.StartsWith("//", StringComparison.Ordinal)
                ? rest
                : throw new CredentialException(CredentialErrorKind.InvalidInput, $"pin-source={source} in {_uri} is not a local file: URI; write file:/absolute/path.");
        }
        else if (source.Contains(':', StringComparison.Ordinal))
        {
            throw new CredentialException(CredentialErrorKind.InvalidInput,
                $"pin-source={source} in {_uri} uses a scheme this client cannot read; use file:/absolute/path.");
        }
        else
        {
            path = source;
        }

        try
        {
            // A trailing newline is how editors and `echo` end the file; it is never part of a PIN.
            return PrivateFile.TryReadAllText(path, "The pin-source file")?.TrimEnd('\r', '\n')
                ?? throw new CredentialException(CredentialErrorKind.KeyLocked, $"The PIN file {path} (pin-source in {_uri}) does not exist.");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CredentialException(CredentialErrorKind.KeyLocked, $"Cannot read the PIN file {path} (pin-source in {_uri}): {e.Message}");
        }
    }
}
