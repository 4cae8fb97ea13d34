using OpenRolesAnywhere.Core.Credentials;

namespace OpenRolesAnywhere.Server.Configuration;

/// <summary>
/// The sources <c>serve</c> answers for, bound from the <c>--config</c> JSON file
/// (<c>{"DefaultSource": "dev", "Sources": [{"Name": "dev", "Certificate": "...", "RoleArn": "..."}]}</c>)
/// plus the one source given by flags.
/// </summary>
public sealed class ServeConfiguration
{
    /// <summary>The source <c>/v1/credentials</c> and IMDS answer for; the first source when unset.</summary>
    public string? DefaultSource { get; set; }

    public IList<CredentialSourceOptions> Sources { get; init; } = [];

    /// <summary>The signing proxy's routes (<c>proxy</c>, <c>serve --proxy-listen</c>), when its flags name none.</summary>
    public IList<ProxyRouteConfiguration> ProxyRoutes { get; init; } = [];

    /// <summary>The https listeners' certificate (PEM); the <c>--tls-certificate</c> flag wins over it.</summary>
    public string? TlsCertificate { get; set; }

    /// <summary>Its private key (PEM, 0600); the <c>--tls-key</c> flag wins over it.</summary>
    public string? TlsKey { get; set; }
}
