using System.Net;
using OpenRolesAnywhere.Core;

namespace OpenRolesAnywhere.Server.Hosting;

/// <summary>One <c>--listen</c> URL: <c>http://IP:PORT</c>, <c>http://localhost:PORT</c>, <c>http://*:PORT</c>, or the same with <c>https</c>.</summary>
public sealed record ListenAddress(string Url, IPAddress? Address, bool IsLocalhost, int Port, bool IsHttps = false)
{
    public bool IsAny => Address is null && !IsLocalhost;

    public bool IsLoopback => IsLocalhost || (Address is not null && IPAddress.IsLoopback(Address));

    /// <summary>The host clients on this machine use to reach it (a wildcard is reached on 127.0.0.1).</summary>
    public string ClientHost => IsLocalhost || IsAny ? "127.0.0.1"
        : Address!.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{Address}]" : Address.ToString();

    /// <param name="url">The URL as given.</param>
    /// <param name="flag">The flag it came from, named in errors.</param>
    public static ListenAddress Parse(string url, string flag = "--listen")
    {
        // Uri cannot hold "*" as a host; the ASP.NET spelling of "any address" is accepted as such.
        var normalized = url.Replace("://*:", "://0.0.0.0:", StringComparison.Ordinal).Replace("://+:", "://0.0.0.0:", StringComparison.Ordinal);
        if (!Uri.TryCreate(normalized, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw Invalid(flag, url, "is not a URL such as http://127.0.0.1:9911");
        }

        if (uri.AbsolutePath != "/" || uri.Query.Length > 0 || uri.UserInfo.Length > 0)
        {
            throw Invalid(flag, url, "has a path, query or user name; give only scheme, host and port");
        }

        var host = uri.Host.Trim('[', ']');
        var https = uri.Scheme == "https";
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return new ListenAddress(url, null, true, uri.Port, https);
        }

        if (!IPAddress.TryParse(host, out var address))
        {
            throw Invalid(flag, url, "names a host; give an IP address (127.0.0.1, [::1], 0.0.0.0) or localhost");
        }

        return address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any)
            ? new ListenAddress(url, null, false, uri.Port, https)
            : new ListenAddress(url, address, false, uri.Port, https);
    }

    private static CredentialException Invalid(string flag, string url, string why) =>
        new(CredentialErrorKind.InvalidInput, $"{flag} '{url}' {why}.");
}
