using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.Core.Credentials;
using OpenRolesAnywhere.Server.Configuration;

namespace OpenRolesAnywhere.Server.Security;

/// <summary>
/// Which token opens which source. A source with a <c>TokenFile</c> of its own answers to that token only, so one
/// server hands each workload its own role and one workload's token never yields another's; every other source
/// answers to the server's token. Each file is a <see cref="ServerToken"/> (private file, watched for rotation).
/// </summary>
internal sealed class SourceTokens : IDisposable
{
    private readonly Dictionary<string, ServerToken> _bySource = new(StringComparer.Ordinal);
    private readonly List<ServerToken> _own = [];

    /// <exception cref="CredentialException">A source's token file is unusable (the message names the source).</exception>
    public SourceTokens(IOptions<ServeConfiguration> configuration, ServerToken server, ILogger<ServerToken> logger)
    {
        Server = server;
        var byPath = new Dictionary<string, ServerToken>(StringComparer.Ordinal) { [server.Path] = server };
        foreach (var source in configuration.Value.Sources.Where(s => s.TokenFile is not null))
        {
            var path = Path.GetFullPath(source.TokenFile!);
            if (!byPath.TryGetValue(path, out var token))
            {
                token = Open(source.Name!, path, logger);
                byPath[path] = token;
                _own.Add(token);
            }

            _bySource[source.Name!] = token;
        }
    }

    /// <summary>The server's token: sources without their own, and requests for no known source.</summary>
    public ServerToken Server { get; }

    public ServerToken For(ICredentialSource source) => _bySource.GetValueOrDefault(source.Name) ?? Server;

    private static ServerToken Open(string source, string path, ILogger logger)
    {
        try
        {
            return new ServerToken(path, logger);
        }
        catch (Exception e) when (e is CredentialException or IOException or UnauthorizedAccessException)
        {
            throw new CredentialException(CredentialErrorKind.InvalidInput, $"Source '{source}': its TokenFile cannot be used: {e.Message}", e);
        }
    }

    public void Dispose()
    {
        foreach (var token in _own)
        {
            token.Dispose();
        }
    }
}
