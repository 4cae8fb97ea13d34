using OpenRolesAnywhere.Core.Certificates;
using OpenRolesAnywhere.Core.RolesAnywhere;
using OpenRolesAnywhere.Core.Signing;

namespace OpenRolesAnywhere.Core.Credentials;

/// <summary>
/// A certificate file, its key and a role. The certificate is read again on every fetch, so a renewed
/// certificate is used without a restart; the key is opened once and kept (an agent or token session).
/// </summary>
public sealed class RolesAnywhereCredentialSource : ICredentialSource, IDisposable
{
    private readonly CredentialSourceOptions _options;
    private readonly ISigningKeyFactory _keys;
    private readonly RolesAnywhereClient _client;
    private readonly string _certificatePath;
    private readonly Func<string, string?, CertificateBundle> _loadCertificate;
    private readonly SemaphoreSlim _keyLock = new(1, 1);
    private ISigningKey? _key;

    /// <param name="loadCertificate">
    /// Reads the certificate and intermediates (default: PEM files); the CLI passes one that also reads
    /// <c>pkcs11:</c> URIs from a token.
    /// </param>
    public RolesAnywhereCredentialSource(
        CredentialSourceOptions options, ISigningKeyFactory keys, RolesAnywhereClient client, Func<string, string?>? environment = null,
        Func<string, string?, CertificateBundle>? loadCertificate = null)
    {
        _loadCertificate = loadCertificate ?? ((path, intermediates) => CertificateBundle.Load(path, intermediates));
        _options = options;
        _keys = keys;
        _client = client;
        _certificatePath = options.CertificatePath(environment);
        Name = options.Name ?? (_certificatePath.StartsWith("pkcs11:", StringComparison.OrdinalIgnoreCase)
            ? KeySourceOptions.StripPin(_certificatePath)
            : Path.GetFileNameWithoutExtension(_certificatePath));
        using var certificate = LoadCertificate();
        CacheKey = options.CacheKey(options.ToRequest(certificate), _certificatePath);
    }

    public string Name { get; }

    public string CacheKey { get; }

    public async Task<SessionCredentials> FetchAsync(CancellationToken cancellationToken)
    {
        using var certificate = LoadCertificate();
        var request = _options.ToRequest(certificate);
        var key = await OpenKeyAsync(certificate, cancellationToken);
        try
        {
            return await _client.CreateSessionAsync(request, certificate, key, cancellationToken);
        }
        catch (CredentialException e) when (e.Kind is CredentialErrorKind.SignerUnavailable or CredentialErrorKind.KeyMismatch)
        {
            // The agent restarted or the certificate was renewed for a new key: open it afresh next time.
            await ForgetKeyAsync(key);
            throw;
        }
    }

    private CertificateBundle LoadCertificate() => _loadCertificate(_certificatePath, _options.Intermediates);

    private async Task<ISigningKey> OpenKeyAsync(CertificateBundle certificate, CancellationToken cancellationToken)
    {
        await _keyLock.WaitAsync(cancellationToken);
        try
        {
            return _key ??= _keys.Open(_options.Key, certificate);
        }
        finally
        {
            _keyLock.Release();
        }
    }

    private async Task ForgetKeyAsync(ISigningKey key)
    {
        await _keyLock.WaitAsync();
        try
        {
            if (ReferenceEquals(_key, key))
            {
                _key = null;
                key.Dispose();
            }
        }
        finally
        {
            _keyLock.Release();
        }
    }

    public void Dispose()
    {
        _key?.Dispose();
        _keyLock.Dispose();
    }
}
