using OpenRolesAnywhere.Core.Certificates;
using OpenRolesAnywhere.Core.KeySources;
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
    private readonly KeySourceProviders _keys;
    private readonly RolesAnywhereClient _client;
    private readonly string _certificatePath;
    private readonly SemaphoreSlim _keyLock = new(1, 1);
    private ISigningKey? _key;

    /// <param name="keys">The key backends, which also read certificates kept elsewhere than in PEM files.</param>
    /// <param name="environment">Reads environment variables (where saved certificates are); the process's when null.</param>
    public RolesAnywhereCredentialSource(
        CredentialSourceOptions options, KeySourceProviders keys, RolesAnywhereClient client, Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(keys);
        _options = options;
        _keys = keys;
        _client = client;
        _certificatePath = options.CertificatePath(environment);
        CacheKey = options.CacheKey(keys, environment);
        Name = options.Name ?? keys.DescribeCertificate(_certificatePath);
        // Read once now so a source that cannot work fails at start (serve names it), not at its first request.
        using var certificate = LoadCertificate();
        var request = options.ToRequest(certificate);
        // An ARN that does not parse is reported by the first fetch, as before; the region is then unknown.
        Region = request.Region ?? (Arn.TryParse(request.TrustAnchorArn, out var anchor) ? anchor.Region : null);
    }

    public string Name { get; }

    public string? Region { get; }

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

    private CertificateBundle LoadCertificate() => _options.LoadCertificate(_keys, _certificatePath);

    private async Task<ISigningKey> OpenKeyAsync(CertificateBundle certificate, CancellationToken cancellationToken)
    {
        await _keyLock.WaitAsync(cancellationToken);
        try
        {
            return _key ??= await _keys.OpenAsync(_options.Key, certificate, cancellationToken);
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
