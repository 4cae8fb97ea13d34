using System.Buffers;
using OpenRolesAnywhere.Core.Certificates;
using OpenRolesAnywhere.Core.Credentials;
using OpenRolesAnywhere.Core.Signing;

namespace OpenRolesAnywhere.Core.KeySources;

/// <summary>
/// PEM files: a private key (<see cref="FileSigningKey"/>) and a certificate. It takes every reference that is
/// not a URI (or names an existing file), so it is registered last.
/// </summary>
public sealed class FileKeySource : IKeySourceProvider, ICertificateSourceProvider
{
    // RFC 3986's scheme characters.
    private static readonly SearchValues<char> SchemeCharacters = SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+.-");

    private readonly Func<string, string?> _environment;
    private readonly Func<string, string?>? _prompt;

    /// <param name="environment">Reads the variable named by <see cref="KeySourceOptions.PasswordEnvironmentVariable"/>.</param>
    /// <param name="prompt">Asks for a password without echo; null when nobody can be asked.</param>
    public FileKeySource(Func<string, string?> environment, Func<string, string?>? prompt)
    {
        _environment = environment;
        _prompt = prompt;
    }

    public string Accepts => "a PEM private key file (--private-key FILE)";

    public bool HandlesKey(KeySourceOptions key) => key?.PrivateKey is { } path && IsFile(path);

    public string DescribeKey(KeySourceOptions key) => "file:" + Path.GetFullPath(key!.PrivateKey!);

    public KeySourceOptions WithoutSecrets(KeySourceOptions key) => new()
    {
        PrivateKey = Path.GetFullPath(key!.PrivateKey!),
        PasswordEnvironmentVariable = key.PasswordEnvironmentVariable,
    };

    public ValueTask<ISigningKey> OpenAsync(KeySourceOptions key, CertificateBundle? certificate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        var path = key.PrivateKey!;
        return ValueTask.FromResult<ISigningKey>(FileSigningKey.Load(path, () => Password(key, $"Password for {path}: ")));
    }

    public bool HandlesCertificate(string reference) => IsFile(reference);

    public string DescribeCertificate(string reference) => Path.GetFullPath(reference);

    public CertificateBundle LoadCertificate(string reference, string? intermediatesPath, KeySourceOptions key) =>
        CertificateBundle.Load(reference, intermediatesPath);

    /// <summary>A path, not a URI: no <c>scheme:</c> prefix (of two letters or more, so never a drive letter), or a file that exists.</summary>
    private static bool IsFile(string reference)
    {
        var colon = reference.IndexOf(':', StringComparison.Ordinal);
        var scheme = colon >= 2 && char.IsAsciiLetter(reference[0])
            && reference.AsSpan(0, colon).IndexOfAnyExcept(SchemeCharacters) < 0;
        return !scheme || File.Exists(reference);
    }

    private string? Password(KeySourceOptions key, string prompt)
    {
        if (key.PasswordEnvironmentVariable is { } variable)
        {
            return _environment(variable) ?? throw new CredentialException(CredentialErrorKind.KeyLocked,
                $"The environment variable {variable} (named by --private-key-password-env) is not set.");
        }

        return _prompt?.Invoke(prompt);
    }
}
