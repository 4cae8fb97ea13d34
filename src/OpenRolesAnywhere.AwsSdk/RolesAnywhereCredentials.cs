using Amazon.Runtime;
using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.Core.Credentials;
using OpenRolesAnywhere.Core.Credentials.Chain;
using OpenRolesAnywhere.Core.KeySources;
using OpenRolesAnywhere.Core.RolesAnywhere;
using OpenRolesAnywhere.Signers.Pkcs11;
using OpenRolesAnywhere.Signers.SshAgent;

namespace OpenRolesAnywhere.AwsSdk;

/// <summary>
/// IAM Roles Anywhere credentials for any AWS SDK for .NET client:
/// <c>new AmazonS3Client(new RolesAnywhereCredentials(options))</c>. CreateSession is signed here with a key that
/// stays in an SSH agent, a PKCS#11 token or a PEM file, and the answer is kept by the cache <c>serve</c> uses:
/// refreshed ahead of expiry, one CreateSession in flight shared by all callers, the last good credentials kept
/// through a failed refresh, nothing expired ever handed out (a <see cref="CredentialException"/> says why instead).
/// </summary>
public sealed class RolesAnywhereCredentials : AWSCredentials, IDisposable
{
    private readonly CredentialCache _cache;
    private readonly ChainSource _source;
    private readonly RolesAnywhereCredentialSource _signing;
    private readonly HttpClient _http;
    private HandedOut? _last;
    private int _disposed;

    /// <summary>Reads the certificate now, so a source that cannot work fails here rather than at the first AWS call.</summary>
    /// <exception cref="CredentialException">The options are incomplete or the certificate cannot be read.</exception>
    public RolesAnywhereCredentials(RolesAnywhereCredentialsOptions options)
        : this(options, TimeProvider.System)
    {
    }

    /// <param name="time">The clock of the cache and of the signatures.</param>
    /// <param name="handler">Sends CreateSession; a pooled <see cref="SocketsHttpHandler"/> when null.</param>
    /// <param name="environment">Reads environment variables (SSH_AUTH_SOCK, PINs, endpoints); the process's when null.</param>
    internal RolesAnywhereCredentials(
        RolesAnywhereCredentialsOptions options, TimeProvider time, HttpMessageHandler? handler = null, Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        environment ??= Environment.GetEnvironmentVariable;
        var source = options.ToSourceOptions();
        var keys = KeySources(environment);
        _http = new HttpClient(handler ?? new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) });
        try
        {
            _signing = new RolesAnywhereCredentialSource(source, keys, new RolesAnywhereClient(_http, time, environment: environment), environment);
        }
        catch
        {
            _http.Dispose();
            throw;
        }

        var signHere = new SigningCredentialSource(_signing.FetchAsync);
        var chain = options.UseLocalServer
            ? new ChainedCredentialSource(new LocalServerCredentialSource(LocalServerPaths.Socket(environment), _signing.CacheKey), signHere)
            : new ChainedCredentialSource(signHere);
        _source = new ChainSource(_signing.Name, _signing.CacheKey, chain);
        _cache = new CredentialCache(time);
    }

    /// <summary>The backends this package reads keys and certificates through; no prompts: nobody is there to answer.</summary>
    private static KeySourceProviders KeySources(Func<string, string?> environment) => new(
    [
        new Pkcs11KeySource(environment, prompt: null),
        new SshAgentKeySource(environment),
        // Last: it takes every reference that is not a URI.
        new FileKeySource(environment, prompt: null),
    ]);

    /// <summary>What is held now (expiry, last failure); no secrets.</summary>
    public CredentialCacheStatus Status => _cache.Status(_source);

    /// <exception cref="CredentialException">Nothing valid is held and none can be had now; the message says why.</exception>
    public override async Task<ImmutableCredentials> GetCredentialsAsync() => Immutable(await _cache.GetAsync(_source, CancellationToken.None));

    /// <summary>
    /// For the SDK's synchronous paths (presigned URLs, .NET Framework). From memory without blocking; when a
    /// CreateSession must be waited for, the wait runs off any synchronization context so it cannot deadlock on it.
    /// </summary>
    /// <exception cref="CredentialException">As <see cref="GetCredentialsAsync"/>.</exception>
    public override ImmutableCredentials GetCredentials()
    {
        var pending = SynchronizationContext.Current is null && TaskScheduler.Current == TaskScheduler.Default
            ? GetCredentialsAsync()
            : Task.Run(GetCredentialsAsync);
        return pending.GetAwaiter().GetResult();
    }

    /// <summary>One <see cref="ImmutableCredentials"/> per session, not one per SDK call.</summary>
    private ImmutableCredentials Immutable(CachedCredentials cached)
    {
        // One reference, read once: callers on other threads see a whole pair or none.
        var last = _last;
        if (last is not null && ReferenceEquals(last.Cached, cached))
        {
            return last.Immutable;
        }

        var credentials = cached.Credentials;
        var immutable = new ImmutableCredentials(credentials.AccessKeyId, credentials.SecretAccessKey, credentials.SessionToken);
        _last = new HandedOut(cached, immutable);
        return immutable;
    }

    /// <summary>Once only: a container that registered this also as <see cref="AWSCredentials"/> disposes it twice.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _cache.Dispose();
        _signing.Dispose();
        _http.Dispose();
    }

    private sealed record HandedOut(CachedCredentials Cached, ImmutableCredentials Immutable);

    /// <summary>The chain as the cache sees a source: its key is the one <c>serve</c> caches this source under.</summary>
    private sealed class ChainSource(string name, string cacheKey, ChainedCredentialSource chain) : ICredentialSource
    {
        public string Name { get; } = name;

        public string CacheKey { get; } = cacheKey;

        public Task<SessionCredentials> FetchAsync(CancellationToken cancellationToken) => chain.GetAsync(cancellationToken);
    }
}
