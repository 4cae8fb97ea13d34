using Microsoft.Extensions.Options;
using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.Core.Credentials;

namespace OpenRolesAnywhere.Server.Configuration;

/// <summary>The configured sources by name, built once from the validated configuration.</summary>
internal sealed class CredentialSources : IDisposable
{
    private readonly Dictionary<string, ICredentialSource> _byName;
    private readonly Dictionary<string, ICredentialSource> _byLocalKey;

    public CredentialSources(IOptions<ServeConfiguration> configuration, Func<CredentialSourceOptions, ICredentialSource> create)
    {
        var settings = configuration.Value;
        var sources = new List<ICredentialSource>();
        var certificates = new List<(ICredentialSource, string)>();
        var lookups = new List<(string Key, ICredentialSource Source)>();
        foreach (var options in settings.Sources)
        {
            try
            {
                var source = create(options);
                sources.Add(source);
                certificates.Add((source, Path.GetFullPath(options.CertificatePath())));
                lookups.Add((source.CacheKey, source));
                lookups.Add((options.LookupKey(), source));
            }
            catch (CredentialException e)
            {
                throw new CredentialException(e.Kind, $"Source '{options.Name}': {e.Message}", e);
            }
        }

        All = sources;
        Certificates = certificates;
        _byName = sources.ToDictionary(s => s.Name, StringComparer.Ordinal);
        // Both the cache key (the certificate read) and the lookup key (the options as given) find a source:
        // credential-process asks with the lookup key first, before it reads anything.
        _byLocalKey = lookups.DistinctBy(l => l.Key).ToDictionary(l => l.Key, l => l.Source, StringComparer.Ordinal);
        Default = settings.DefaultSource is { } name ? _byName[name] : sources[0];
    }

    public IReadOnlyList<ICredentialSource> All { get; }

    public ICredentialSource Default { get; }

    /// <summary>Each source's certificate file, watched so a renewed certificate is used at once.</summary>
    public IReadOnlyList<(ICredentialSource Source, string Path)> Certificates { get; }

    public IEnumerable<string> Names => _byName.Keys;

    public ICredentialSource? Named(string name) => _byName.GetValueOrDefault(name);

    /// <summary>The source a <c>credential-process</c> on this machine asks for by its cache or lookup key.</summary>
    public ICredentialSource? ForLocalKey(string key) => _byLocalKey.GetValueOrDefault(key);

    public void Dispose()
    {
        foreach (var source in All.OfType<IDisposable>())
        {
            source.Dispose();
        }
    }
}
