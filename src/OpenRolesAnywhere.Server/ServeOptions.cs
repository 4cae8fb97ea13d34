using OpenRolesAnywhere.Core.Credentials;

namespace OpenRolesAnywhere.Server;

public enum LogFormat
{
    Human,
    Json,
}

/// <summary>How <c>openrolesanywhere serve</c> was asked to run: the flags, before any config file is read.</summary>
public sealed class ServeOptions
{
    public const string DefaultListen = "http://127.0.0.1:9911";

    /// <summary>URLs to listen on (<c>http://IP:PORT</c>, <c>http://localhost:PORT</c>, <c>https://...</c>); port 0 picks a free one.</summary>
    public IReadOnlyList<string> Listen { get; init; } = [DefaultListen];

    /// <summary>Permits non-loopback plain-http listen addresses and peers (https listeners take any peer without it). Those peers get no IMDS and always need the token.</summary>
    public bool AllowRemote { get; init; }

    /// <summary>DNS names besides <c>localhost</c> that clients may send in <c>Host</c> (IP literals always pass).</summary>
    public IReadOnlyList<string> AllowedHosts { get; init; } = [];

    /// <summary>The token file: read if it exists, else a new token is written there (0600, no trailing newline).</summary>
    public string TokenFile { get; init; } = LocalServerPaths.TokenFile();

    /// <summary>The Unix domain socket (0600) <c>credential-process</c> asks; null for none.</summary>
    public string? UnixSocket { get; init; } = LocalServerPaths.Socket();

    public LogFormat LogFormat { get; init; } = LogFormat.Human;

    /// <summary>Answers IMDS GETs without a session token (IMDSv1). Off by default, as on hardened EC2 instances.</summary>
    public bool ImdsV1 { get; init; }

    /// <summary>A JSON file of named sources (<c>DefaultSource</c>, <c>Sources</c>).</summary>
    public string? ConfigFile { get; init; }

    /// <summary>The one source given by flags, if any.</summary>
    public CredentialSourceOptions? CommandLineSource { get; init; }

    /// <summary>Reads environment variables (where saved certificates are): the CLI's, so tests can run it in-process; the process's when null.</summary>
    public Func<string, string?>? Environment { get; init; }

    /// <summary>The https listeners' certificate (PEM, leaf first, then intermediates); overrides the config file's <c>TlsCertificate</c>.</summary>
    public string? TlsCertificate { get; init; }

    /// <summary>Its private key (unencrypted PEM, a private file: 0600); overrides the config file's <c>TlsKey</c>.</summary>
    public string? TlsKey { get; init; }

    /// <summary>How long shutdown waits for requests in flight.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
