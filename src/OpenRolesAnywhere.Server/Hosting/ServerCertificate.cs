using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.Extensions.Logging;
using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.Core.Configuration;
using OpenRolesAnywhere.Server.Logging;

namespace OpenRolesAnywhere.Server.Hosting;

/// <summary>
/// The https listeners' certificate and key (PEM files), loaded at start and read again every
/// <see cref="CheckInterval"/> on the injected clock: a renewed pair serves new connections without a restart
/// (whatever renewed it: certbot, cert-manager's Secret update, a cron job). A pair that cannot be used (half
/// written, key and certificate apart) leaves the last good one in place, with one warning per distinct problem.
/// The key file is a secret and is read as one (<see cref="PrivateFile"/>: a regular file of ours, 0600).
/// </summary>
internal sealed class ServerCertificate : IDisposable
{
    public static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(10);
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly ITimer _timer;
    private readonly Lock _gate = new();
    private Loaded _current;
    private string? _lastProblem;

    /// <exception cref="CredentialException">The files cannot be read or do not make a certificate with its key.</exception>
    public ServerCertificate(string certificatePath, string keyPath, TimeProvider time, ILogger logger)
    {
        CertificatePath = Path.GetFullPath(certificatePath);
        KeyPath = Path.GetFullPath(keyPath);
        _logger = logger;
        _time = time;
        _current = Load(Read());
        LogLoaded(Log.TlsCertificateLoaded);
        _timer = time.CreateTimer(_ => CheckForRenewal(), null, CheckInterval, CheckInterval);
    }

    public string CertificatePath { get; }

    public string KeyPath { get; }

    /// <summary>What new TLS connections are served with: the leaf and the intermediates that came with it.</summary>
    public SslStreamCertificateContext Context => Volatile.Read(ref _current).Context;

    /// <summary>The leaf certificate in use.</summary>
    public X509Certificate2 Certificate => Context.TargetCertificate;

    /// <summary>Loads the files again if their text changed; called by the timer (tests call it directly).</summary>
    public void CheckForRenewal()
    {
        lock (_gate)
        {
            try
            {
                var files = Read();
                if (CryptographicOperations.FixedTimeEquals(Fingerprint(files), _current.Fingerprint))
                {
                    return;
                }

                Volatile.Write(ref _current, Load(files));
                _lastProblem = null;
                LogLoaded(Log.TlsCertificateReloaded);
            }
            catch (CredentialException e)
            {
                // Said once per problem, not every few seconds while it lasts.
                if (e.Message != _lastProblem)
                {
                    _lastProblem = e.Message;
                    Log.TlsCertificateRenewalFailed(_logger, CertificatePath, e.Message);
                }
            }
        }
    }

    private (string Certificate, string Key) Read()
    {
        string certificate;
        try
        {
            certificate = File.ReadAllText(CertificatePath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CredentialException(CredentialErrorKind.InvalidInput, $"The TLS certificate {CertificatePath} cannot be read: {e.Message}", e);
        }

        var key = PrivateFile.TryReadAllText(KeyPath, "The TLS key")
            ?? throw new CredentialException(CredentialErrorKind.InvalidInput, $"The TLS key {KeyPath} does not exist.");
        return (certificate, key);
    }

    private Loaded Load((string Certificate, string Key) files)
    {
        try
        {
            var chain = new X509Certificate2Collection();
            chain.ImportFromPem(files.Certificate);
            if (chain.Count == 0)
            {
                throw new CredentialException(CredentialErrorKind.InvalidInput, $"The TLS certificate {CertificatePath} holds no PEM certificate (-----BEGIN CERTIFICATE-----).");
            }

            var leaf = X509Certificate2.CreateFromPem(files.Certificate, files.Key);
            var context = SslStreamCertificateContext.Create(leaf, new X509Certificate2Collection(chain.Skip(1).ToArray()), offline: true);
            return new Loaded(context, Fingerprint(files));
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            throw new CredentialException(CredentialErrorKind.InvalidInput,
                $"The TLS certificate {CertificatePath} and key {KeyPath} cannot be used together ({e.Message}): give the certificate (leaf first, then intermediates) and its own unencrypted private key (PKCS#8, SEC1 or PKCS#1 PEM).", e);
        }
    }

    private void LogLoaded(Action<ILogger, string, string, DateTimeOffset> log)
    {
        var leaf = Certificate;
        log(_logger, CertificatePath, leaf.Subject, leaf.NotAfter.ToUniversalTime());
        var now = _time.GetUtcNow();
        if (now < leaf.NotBefore.ToUniversalTime() || now > leaf.NotAfter.ToUniversalTime())
        {
            // Served anyway: the clients' verdict, not ours; a renewal may follow.
            Log.TlsCertificateOutsideValidity(_logger, CertificatePath, leaf.NotBefore.ToUniversalTime(), leaf.NotAfter.ToUniversalTime());
        }
    }

    /// <summary>Tells apart what was loaded without keeping the key's text around.</summary>
    private static byte[] Fingerprint((string Certificate, string Key) files) =>
        SHA256.HashData(Encoding.UTF8.GetBytes(files.Certificate + "\0" + files.Key));

    public void Dispose() => _timer.Dispose();

    private sealed record Loaded(SslStreamCertificateContext Context, byte[] Fingerprint);
}
