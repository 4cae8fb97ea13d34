using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Net.Pkcs11Interop.Common;
using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.Core.Certificates;
using OpenRolesAnywhere.Core.Credentials;
using OpenRolesAnywhere.Core.KeySources;
using OpenRolesAnywhere.Core.Signing;
using OpenRolesAnywhere.Signers.Pkcs11.Modules;
using OpenRolesAnywhere.Signers.Pkcs11.Pins;
using OpenRolesAnywhere.Signers.Pkcs11.Tokens;
using Pkcs11Uri = OpenRolesAnywhere.Signers.Pkcs11.Uris.Pkcs11Uri;

namespace OpenRolesAnywhere.Signers.Pkcs11;

/// <summary>
/// PKCS#11 tokens (and TPMs through tpm2-pkcs11) as a key backend: <c>pkcs11:</c> URIs (RFC 7512) given as
/// <c>--private-key</c> or <c>--certificate</c>. The module comes from the URI, else <see cref="KeySourceOptions.Module"/>,
/// else p11-kit-proxy.
/// </summary>
public sealed class Pkcs11KeySource : IKeySourceProvider, ICertificateSourceProvider
{
    private readonly Func<string, string?> _environment;
    private readonly Func<string, string?>? _prompt;

    /// <param name="environment">Reads an environment variable (for the PIN named by <c>--private-key-password-env</c>).</param>
    /// <param name="prompt">Asks for a PIN without echo; returns null when no terminal is attached. Null: never ask.</param>
    public Pkcs11KeySource(Func<string, string?> environment, Func<string, string?>? prompt)
    {
        _environment = environment;
        _prompt = prompt;
    }

    public static bool IsPkcs11Uri(string? value) => Pkcs11Uri.IsPkcs11Uri(value);

    public string Accepts => "a PKCS#11 URI (pkcs11:token=...;object=..., RFC 7512) of a key or, with type=cert, a certificate";

    public bool HandlesKey(KeySourceOptions key) => IsPkcs11Uri(key?.PrivateKey);

    public string DescribeKey(KeySourceOptions key) => Pkcs11Uri.Redact(key!.PrivateKey!);

    /// <summary>The URI without its PIN; the module and the PIN's variable name are no secrets.</summary>
    public KeySourceOptions WithoutSecrets(KeySourceOptions key) => new()
    {
        PrivateKey = DescribeKey(key),
        Module = key.Module,
        PasswordEnvironmentVariable = key.PasswordEnvironmentVariable,
    };

    /// <summary>Completes at once: PKCS#11 has no asynchronous calls, the module blocks until the token answers.</summary>
    public ValueTask<ISigningKey> OpenAsync(KeySourceOptions key, CertificateBundle? certificate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult<ISigningKey>(OpenKey(key.PrivateKey!, key));
    }

    public bool HandlesCertificate(string reference) => IsPkcs11Uri(reference);

    public string DescribeCertificate(string reference) => Pkcs11Uri.Redact(reference);

    /// <summary>Opens the private key <paramref name="uri"/> names, logging in to its token.</summary>
    public Pkcs11SigningKey OpenKey(string uri, KeySourceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var parsed = Pkcs11Uri.Parse(uri);
        return Pkcs11SigningKey.Open(parsed, Pkcs11ModuleLocator.Resolve(parsed, options.Module), Pins(parsed, options));
    }

    /// <summary>
    /// Reads the certificate <paramref name="reference"/> names from its token (certificates are public objects, so no
    /// PIN is needed unless the token hides them until login); intermediates come from a PEM file.
    /// </summary>
    public CertificateBundle LoadCertificate(string reference, string? intermediatesPath, KeySourceOptions key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var parsed = Pkcs11Uri.Parse(reference);
        if (parsed.Type is { } type && type != "cert")
        {
            throw new CredentialException(CredentialErrorKind.InvalidInput,
                $"{parsed} names an object of type={type}; a certificate needs type=cert (or no type).");
        }

        if (parsed.ObjectLabel is null && parsed.Id is null)
        {
            throw new CredentialException(CredentialErrorKind.InvalidInput,
                $"{parsed} names no certificate: add object=LABEL or id=%01 (e.g. `pkcs11-tool --module ... --list-objects --type cert` lists them).");
        }

        var module = Pkcs11Module.Acquire(Pkcs11ModuleLocator.Resolve(parsed, key.Module));
        try
        {
            using var token = Pkcs11Token.Open(module, parsed);
            byte[] der;
            try
            {
                der = ReadCertificate(token, parsed, Pins(parsed, key));
            }
            catch (Pkcs11Exception e)
            {
                throw Pkcs11Errors.From(e, token.Description, "reading the certificate");
            }

            X509Certificate2 leaf;
            try
            {
                leaf = X509CertificateLoader.LoadCertificate(der);
            }
            catch (CryptographicException e)
            {
                throw new CredentialException(CredentialErrorKind.CertificateInvalid, $"The certificate {parsed} on {token.Description} is malformed: {e.Message}");
            }

            return new CertificateBundle(leaf, Intermediates(intermediatesPath));
        }
        finally
        {
            module.Release();
        }
    }

    private static byte[] ReadCertificate(Pkcs11Token token, Pkcs11Uri uri, Pkcs11PinResolver pins)
    {
        var found = token.Find(uri, CKO.CKO_CERTIFICATE);
        if (found.Count == 0 && token.Info.TokenFlags.LoginRequired && pins.IsGiven)
        {
            // Some tokens show certificates only after login; a PIN is not asked for just to look.
            token.Login(pins);
            found = token.Find(uri, CKO.CKO_CERTIFICATE);
        }

        if (found.Count > 1)
        {
            throw new CredentialException(CredentialErrorKind.InvalidInput,
                $"{uri} matches {found.Count} certificates on {token.Description} ({string.Join(", ", found.Select(token.DescribeObject))}); add id= to name one.");
        }

        if (found.Count == 0)
        {
            var available = token.Find(Pkcs11Uri.Parse(Pkcs11Uri.Scheme), CKO.CKO_CERTIFICATE).Select(token.DescribeObject).ToList();
            throw new CredentialException(CredentialErrorKind.CertificateInvalid,
                $"There is no certificate matching {uri} on {token.Description}. Certificates there: {(available.Count == 0 ? "none" : string.Join(", ", available))}."
                + (pins.IsGiven ? string.Empty : " If the token shows certificates only after login, give its PIN (pin-source= or --private-key-password-env)."));
        }

        return token.Read(found[0], CKA.CKA_VALUE)[0] is { Length: > 0 } der
            ? der
            : throw new CredentialException(CredentialErrorKind.CertificateInvalid, $"The certificate {uri} on {token.Description} has no value (CKA_VALUE).");
    }

    private static List<X509Certificate2> Intermediates(string? path)
    {
        if (path is null)
        {
            return [];
        }

        var collection = new X509Certificate2Collection();
        try
        {
            collection.ImportFromPemFile(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new CredentialException(CredentialErrorKind.CertificateInvalid, $"Cannot read the intermediate certificates in {path}: {e.Message}");
        }

        return [.. collection];
    }

    private Pkcs11PinResolver Pins(Pkcs11Uri uri, KeySourceOptions options) =>
        new(uri, options.PasswordEnvironmentVariable, _environment, _prompt);
}
