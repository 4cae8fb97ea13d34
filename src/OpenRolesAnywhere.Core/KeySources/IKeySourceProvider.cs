using OpenRolesAnywhere.Core.Certificates;
using OpenRolesAnywhere.Core.Credentials;
using OpenRolesAnywhere.Core.Signing;

namespace OpenRolesAnywhere.Core.KeySources;

/// <summary>
/// One key backend (an agent, a token, a file...), as dotnet/sign's signature providers are: it says which
/// key references it reaches and opens them. Registered once, in the CLI's <c>KeySourceRegistration</c>.
/// </summary>
public interface IKeySourceProvider
{
    /// <summary>What a person gives to reach this backend, for the message naming every backend when none matches.</summary>
    string Accepts { get; }

    /// <summary>Whether <paramref name="key"/> names a key of this backend; decided from the text alone, never by opening it.</summary>
    bool HandlesKey(KeySourceOptions key);

    /// <summary>The key reference without secrets (a PIN, a password), for cache keys and messages.</summary>
    string DescribeKey(KeySourceOptions key);

    /// <summary>
    /// The reference as it may be stored and opened again later (a CA's key in its state file): secrets
    /// (a PIN in a URI) left out, relative paths made absolute.
    /// </summary>
    KeySourceOptions WithoutSecrets(KeySourceOptions key);

    /// <summary>
    /// Opens the key. <paramref name="certificate"/>, when given, lets the backend pick the key matching it.
    /// Expected failures are <see cref="CredentialException"/>.
    /// </summary>
    ValueTask<ISigningKey> OpenAsync(KeySourceOptions key, CertificateBundle? certificate, CancellationToken cancellationToken);

    /// <summary>
    /// Opens the key to sign as a CA (certificates, CRLs), where any digest the key's home signs with will do;
    /// a session's key must sign over SHA-256. The same as <see cref="OpenAsync"/> unless the backend's keys differ.
    /// </summary>
    ValueTask<ISigningKey> OpenCaKeyAsync(KeySourceOptions key, CancellationToken cancellationToken) => OpenAsync(key, null, cancellationToken);
}

/// <summary>A backend that can also hold the certificate (a PEM file, a token's certificate object).</summary>
public interface ICertificateSourceProvider
{
    bool HandlesCertificate(string reference);

    /// <summary>The certificate reference without secrets, for cache keys and messages.</summary>
    string DescribeCertificate(string reference);

    /// <summary>Reads the certificate; <paramref name="intermediatesPath"/> is a PEM file of intermediates, or null.</summary>
    CertificateBundle LoadCertificate(string reference, string? intermediatesPath, KeySourceOptions key);
}
