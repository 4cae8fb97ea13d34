using OpenRolesAnywhere.Core.Certificates;
using OpenRolesAnywhere.Core.Signing;

namespace OpenRolesAnywhere.Core.Credentials;

/// <summary>
/// Opens the key that <see cref="KeySourceOptions"/> names (file, SSH agent, PKCS#11), so Core, the server
/// and the CLI need not know every backend. The certificate lets the agent pick the matching identity.
/// </summary>
public interface ISigningKeyFactory
{
    ISigningKey Open(KeySourceOptions options, CertificateBundle certificate);
}
