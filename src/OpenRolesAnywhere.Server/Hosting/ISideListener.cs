using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace OpenRolesAnywhere.Server.Hosting;

/// <summary>
/// A listener of its own beside the credential listeners, with routes of its own under one path prefix:
/// how the admin HTTP routes (another project, with the CA stack) plug into <see cref="CredentialServer.Build"/>
/// without the credential server knowing them. The server binds it, tells its connections apart by the
/// socket that accepted them (never by <c>Host</c>), lets its routes answer only there, answers 404 for
/// its prefix everywhere else, and lets it take larger bodies.
/// </summary>
public interface ISideListener
{
    /// <summary>Always bound by the server itself, never taken from systemd.</summary>
    ListenAddress Address { get; }

    /// <summary>Every route of this listener is under this path; null: its routes take every path, on its own socket only (the signing proxy).</summary>
    string? PathPrefix { get; }

    /// <summary>The largest body its routes read (the credential listeners take almost none).</summary>
    long MaxRequestBytes { get; }

    /// <summary>Checks the address against the credential listeners before anything is bound.</summary>
    /// <exception cref="Core.CredentialException">The address cannot be used (message says why).</exception>
    void Validate(ServeOptions options, IReadOnlyList<ListenAddress> credentialAddresses);

    void AddServices(IServiceCollection services);

    IEndpointConventionBuilder MapRoutes(IEndpointRouteBuilder routes);

    /// <summary>Answers a request refused on this listener (peer, Host, size, unknown route), in its own error style.</summary>
    Task RefuseAsync(HttpContext context, int status, string title, string detail);
}

/// <summary>The checks every side listener's address passes (each listener names itself and says what remote reach means for it).</summary>
public static class SideListenerAddress
{
    /// <param name="name">How messages name the listener ("admin listener").</param>
    /// <param name="address">Its address.</param>
    /// <param name="options">The flags (<c>--allow-remote</c>).</param>
    /// <param name="credentialAddresses">The credential listeners, whose ports it may not take.</param>
    /// <param name="remoteNote">What a person should know before allowing other machines.</param>
    /// <exception cref="Core.CredentialException">The address cannot be used (message says why).</exception>
    public static void Check(string name, ListenAddress address, ServeOptions options, IReadOnlyList<ListenAddress> credentialAddresses, string remoteNote)
    {
        if (!options.AllowRemote && !address.IsLoopback)
        {
            throw new Core.CredentialException(Core.CredentialErrorKind.InvalidInput,
                $"The {name} '{address.Url}' is reachable from other machines{remoteNote}. Add --allow-remote if that is meant.");
        }

        if (address.Port != 0 && credentialAddresses.Any(a => a.Port == address.Port))
        {
            throw new Core.CredentialException(Core.CredentialErrorKind.InvalidInput,
                $"The {name} '{address.Url}' uses the port of a credential listener: give the {name} a port of its own.");
        }
    }
}
