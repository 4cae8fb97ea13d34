using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using OpenRolesAnywhere.Core.Certificates;
using OpenRolesAnywhere.Core.Credentials;
using OpenRolesAnywhere.Core.Signing;

namespace OpenRolesAnywhere.Core.KeySources;

/// <summary>
/// PEM files: a private key (<see cref="FileSigningKey"/>) and a certificate. It takes every reference that is
/// not a URI (or names an existing file), so it is registered last. The same PEM text may come from an environment
/// variable (<c>env:NAME</c>) or standard input (<c>-</c>), for CI systems that hold it as a secret: it stays in memory.
/// </summary>
public sealed class FileKeySource : IKeySourceProvider, ICertificateSourceProvider
{
    // RFC 3986's scheme characters.
    private static readonly SearchValues<char> SchemeCharacters = SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+.-");

    private const string EnvironmentPrefix = "env:";

    private readonly Func<string, string?> _environment;
    private readonly Func<string, string?>? _prompt;

    // Read once, when first needed: standard input can be read only once, and the certificate is read on every fetch.
    private readonly Lazy<string>? _standardInput;

    /// <param name="environment">Reads the variable named by <see cref="KeySourceOptions.PasswordEnvironmentVariable"/>, and <c>env:NAME</c> references.</param>
    /// <param name="prompt">Asks for a password without echo; null when nobody can be asked.</param>
    /// <param name="standardInput">Reads all of standard input, for a reference <c>-</c>; null where there is none to read.</param>
    public FileKeySource(Func<string, string?> environment, Func<string, string?>? prompt, Func<string>? standardInput = null)
    {
        _environment = environment;
        _prompt = prompt;
        _standardInput = standardInput is null ? null : new Lazy<string>(standardInput);
    }

    public string Accepts => "a PEM private key file (--private-key FILE), or its text in an environment variable (env:NAME) or on standard input (-)";

    public bool HandlesKey(KeySourceOptions key) => key?.PrivateKey is { } path && (IsInline(path) || IsFile(path));

    public string DescribeKey(KeySourceOptions key) => IsInline(key!.PrivateKey!) ? key.PrivateKey! : "file:" + Path.GetFullPath(key.PrivateKey!);

    public KeySourceOptions WithoutSecrets(KeySourceOptions key) => new()
    {
        PrivateKey = IsInline(key!.PrivateKey!) ? key.PrivateKey : Path.GetFullPath(key.PrivateKey!),
        PasswordEnvironmentVariable = key.PasswordEnvironmentVariable,
    };

    public ValueTask<ISigningKey> OpenAsync(KeySourceOptions key, CertificateBundle? certificate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        var path = key.PrivateKey!;
        return ValueTask.FromResult<ISigningKey>(IsInline(path)
            ? FileSigningKey.FromText(ReadInline(path, CredentialErrorKind.KeyNotFound), InlineName(path), () => Password(key, $"Password for the private key in {InlineName(path)}: "))
            : FileSigningKey.Load(path, () => Password(key, $"Password for {path}: ")));
    }

    public bool HandlesCertificate(string reference) => IsInline(reference) || IsFile(reference);

    /// <summary>A file by its full path; inline text by where it comes from and its SHA-256, so two certificates never share a cache key.</summary>
    public string DescribeCertificate(string reference) => IsInline(reference)
        ? $"{reference} sha256:{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ReadInline(reference, CredentialErrorKind.CertificateInvalid))))}"
        : Path.GetFullPath(reference);

    public CertificateBundle LoadCertificate(string reference, string? intermediatesPath, KeySourceOptions key) => IsInline(reference)
        ? CertificateBundle.FromPem(ReadInline(reference, CredentialErrorKind.CertificateInvalid), InlineName(reference), intermediatesPath)
        : CertificateBundle.Load(reference, intermediatesPath);

    /// <summary><c>env:NAME</c> or <c>-</c>: PEM text that never was in a file.</summary>
    public static bool IsInline(string reference) =>
        reference == "-" || reference.StartsWith(EnvironmentPrefix, StringComparison.Ordinal);

    private static string InlineName(string reference) =>
        reference == "-" ? "standard input" : $"the environment variable {reference[EnvironmentPrefix.Length..]}";

    private string ReadInline(string reference, CredentialErrorKind kind)
    {
        if (reference == "-")
        {
            return _standardInput?.Value ?? throw new CredentialException(CredentialErrorKind.InvalidInput,
                "Standard input (-) cannot be read here: give a file or env:NAME.");
        }

        var name = reference[EnvironmentPrefix.Length..];
        return _environment(name) is { Length: > 0 } text ? text : throw new CredentialException(kind,
            $"The environment variable {(name.Length == 0 ? "(none named)" : name)} given as {reference} is not set or empty: export it with the PEM text, or give a file.");
    }

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
