using OpenRolesAnywhere.CertificateAuthority.Aws;
using OpenRolesAnywhere.CertificateAuthority.State;
using OpenRolesAnywhere.Core.KeySources;

namespace OpenRolesAnywhere.Admin.Http;

/// <summary>What the admin routes need: the CA's files, how to reach AWS, the token file, and the body size limit.</summary>
public sealed record AdminEndpointOptions(CaStateStore Store, AwsSettings Aws, string TokenFile)
{
    /// <summary>A CSR or a JSON request is a few kilobytes; anything far larger is refused with 413.</summary>
    public long MaxRequestBytes { get; init; } = 64 * 1024;

    /// <summary>The host's key backends, for a CA key outside KMS (an agent, a token); null allows KMS only.</summary>
    public KeySourceProviders? Keys { get; init; }
}
