using Microsoft.Extensions.Options;
using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.Core.Credentials;

namespace OpenRolesAnywhere.Server.Configuration;

/// <summary>The configured sources by name, built once from the validated configuration.</summary>
internal sealed class CredentialSources : IDisposable
{
    private readonly Dictionary<string, ICredentialSource> _byName;
    private readonly Dictionary<string, ICredentialSource> _byLocalKey;

    /// <param name="environment">The CLI's environment, where saved certificates are found; the process's only when none is given.</param>
    public CredentialSources(IOptions<ServeConfiguration> configuration, Func<CredentialSourceOptions, ICredentialSource> create, Func<string, string?>? environment)
    {
        var settings = configuration.Value;
        var sources = new List<ICredentialSource>();
        var certificates = new List<(ICredentialSource, string)>();
        foreach (var options in settings.Sources)
        {
            try
            {
                var source = create(options);
                sources.Add(source);
                certificates.Add((source, Path.GetFullPath(options.CertificatePath(environment))));
            }
            catch (CredentialException e)
            {
                throw new CredentialException(e.Kind, $"Source '{options.Name}': {e.Message}", e);
            }
        }

        All = sources;
        Certificates = certificates;
        _byName = sources.ToDictionary(s => s.Name, StringComparer.Ordinal);
        // Equal keys ask for the same thing, so the first such source answers for all of them.
        _byLocalKey = sources.DistinctBy(s => s.CacheKey).ToDictionary(s => s.CacheKey, StringComparer.Ordinal);
        Default = settings.DefaultSource is { } name ? _byName[name] : sources[0];
    }

    public IReadOnlyList<ICredentialSource> All { get; }

    public ICredentialSource Default { get; }

    /// <summary>Each source's certificate file, watched so a renewed certificate is used at once.</summary>
    public IReadOnlyList<(ICredentialSource Source, string Path)> Certificates { get; }

    public IEnumerable<string> Names => _byName.Keys;

    public ICredentialSource? Named(string name) => _byName.GetValueOrDefault(name);

    /// <summary>The source a <c>credential-process</c> on this machine asks for by its key (<see cref="ICredentialSource.CacheKey"/>).</summary>
    public ICredentialSource? ForLocalKey(string key) => _byLocalKey.GetValueOrDefault(key);

    public void Dispose()
    {
        foreach (var source in All.OfType<IDisposable>())
        {
            source.Dispose();
        }
    }
}
