using OpenRolesAnywhere.Core.Certificates;
using OpenRolesAnywhere.Core.Credentials;
using OpenRolesAnywhere.Core.Signing;

namespace OpenRolesAnywhere.Core.KeySources;

/// <summary>
/// The registered key backends, asked in order: the first that handles a reference opens, loads or
/// describes it. Core knows none of them by name.
/// </summary>
public sealed class KeySourceProviders
{
    private readonly IReadOnlyList<IKeySourceProvider> _providers;

    public KeySourceProviders(IReadOnlyList<IKeySourceProvider> providers)
    {
        _providers = providers;
    }

    public IKeySourceProvider ForKey(KeySourceOptions key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return _providers.FirstOrDefault(p => p.HandlesKey(key)) ?? throw Unknown("key", key.PrivateKey);
    }

    public ICertificateSourceProvider ForCertificate(string reference) =>
        _providers.OfType<ICertificateSourceProvider>().FirstOrDefault(p => p.HandlesCertificate(reference)) ?? throw Unknown("certificate", reference);

    public ValueTask<ISigningKey> OpenAsync(KeySourceOptions key, CertificateBundle? certificate, CancellationToken cancellationToken) =>
        ForKey(key).OpenAsync(key, certificate, cancellationToken);

    /// <summary>A CA's key: see <see cref="IKeySourceProvider.OpenCaKeyAsync"/>.</summary>
    public ValueTask<ISigningKey> OpenCaKeyAsync(KeySourceOptions key, CancellationToken cancellationToken) =>
        ForKey(key).OpenCaKeyAsync(key, cancellationToken);

    public string DescribeKey(KeySourceOptions key) => ForKey(key).DescribeKey(key);

    public KeySourceOptions WithoutSecrets(KeySourceOptions key) => ForKey(key).WithoutSecrets(key);

    public CertificateBundle LoadCertificate(string reference, string? intermediatesPath, KeySourceOptions key) =>
        ForCertificate(reference).LoadCertificate(reference, intermediatesPath, key);

    public string DescribeCertificate(string reference) => ForCertificate(reference).DescribeCertificate(reference);

    private CredentialException Unknown(string what, string? reference)
    {
        // Only the scheme is shown: the rest of an unknown reference may hold a secret no backend knows to hide.
        var colon = reference?.IndexOf(':', StringComparison.Ordinal) ?? -1;
        var shown = colon > 0 ? $"'{reference![..(colon + 1)]}...'" : "given";
        return new CredentialException(CredentialErrorKind.InvalidInput,
            $"No key backend of this build reads the {what} {shown}. Give one of: {string.Join("; ", _providers.Select(p => p.Accepts))}.");
    }
}
