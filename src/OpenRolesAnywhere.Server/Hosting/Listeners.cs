using System.Globalization;
using System.Net;
using System.Net.Security;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.Server.Configuration;

namespace OpenRolesAnywhere.Server.Hosting;

/// <summary>Kestrel's sockets: the <c>--listen</c> addresses or systemd's, the Unix socket, and request limits.</summary>
internal static class Listeners
{
    /// <summary>Headers are small and bodies absent in every credential protocol served here; larger requests are refused early (a side listener has its own limit).</summary>
    public const long MaximumBodyBytes = 1024;

    /// <param name="options">The flags.</param>
    /// <param name="sideListeners">Whether side listeners exist: then no credential listener is needed (<c>openrolesanywhere proxy</c> runs only its own).</param>
    public static IReadOnlyList<ListenAddress> Parse(ServeOptions options, bool sideListeners = false)
    {
        if (options.Listen.Count == 0 && !sideListeners)
        {
            throw new CredentialException(CredentialErrorKind.InvalidInput, "Give at least one --listen address, such as http://127.0.0.1:9911.");
        }

        var addresses = options.Listen.Select(url => ListenAddress.Parse(url)).ToList();
        // Over https the client has checked whose server it reached; plain http to another machine is a choice to make out loud.
        if (!options.AllowRemote && addresses.FirstOrDefault(a => !a.IsLoopback && !a.IsHttps) is { } remote)
        {
            throw new CredentialException(CredentialErrorKind.InvalidInput,
                $"--listen '{remote.Url}' is reachable from other machines over plain http. Listen with https instead (--tls-certificate, --tls-key), or add --allow-remote if plain http is meant: remote peers then always need the token and get no IMDS.");
        }

        return addresses;
    }

    /// <summary>The certificate and key the https listeners serve (the flags, else the config file's fields); null when no listener is https.</summary>
    public static (string Certificate, string Key)? TlsFiles(ServeOptions options, IConfiguration file, IReadOnlyList<ListenAddress> addresses)
    {
        var certificate = options.TlsCertificate ?? file[nameof(ServeConfiguration.TlsCertificate)];
        var key = options.TlsKey ?? file[nameof(ServeConfiguration.TlsKey)];
        if (addresses.FirstOrDefault(a => a.IsHttps) is not { } https)
        {
            return certificate is null && key is null ? null
                : throw new CredentialException(CredentialErrorKind.InvalidInput,
                    "--tls-certificate and --tls-key (TlsCertificate and TlsKey in the config file) are for https listeners: add one, such as --listen https://0.0.0.0:9912, or leave them out.");
        }

        return certificate is not null && key is not null ? (certificate, key)
            : throw new CredentialException(CredentialErrorKind.InvalidInput,
                $"--listen '{https.Url}' is https: give the server's certificate and key with --tls-certificate and --tls-key (PEM files; or TlsCertificate and TlsKey in the config file).");
    }

    /// <summary>Whether systemd passed listening sockets to this very process (<c>LISTEN_PID</c>, <c>LISTEN_FDS</c>).</summary>
    public static int SystemdSocketCount() =>
        Environment.GetEnvironmentVariable("LISTEN_PID") == Environment.ProcessId.ToString(CultureInfo.InvariantCulture)
        && int.TryParse(Environment.GetEnvironmentVariable("LISTEN_FDS"), NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            ? count
            : 0;

    /// <param name="kestrel">The server to configure.</param>
    /// <param name="options">The flags.</param>
    /// <param name="addresses">The credential listeners (unless systemd passed sockets).</param>
    /// <param name="sides">The side listeners (admin routes, signing proxy); always bound here, never taken from systemd.</param>
    public static void Configure(KestrelServerOptions kestrel, ServeOptions options, IReadOnlyList<ListenAddress> addresses, IReadOnlyList<ISideListener> sides)
    {
        kestrel.AddServerHeader = false;
        var systemd = SystemdSocketCount();
        var listeners = (systemd > 0 ? systemd : addresses.Sum(a => a.IsLocalhost ? 2 : 1)) + sides.Count + (options.UnixSocket is null ? 0 : 1);
        SetLimits(kestrel.Limits, listeners);

        if (systemd > 0)
        {
            kestrel.UseSystemd();
        }
        else
        {
            foreach (var address in addresses)
            {
                Listen(kestrel, address, address.IsHttps ? UseTls : null);
            }
        }

        foreach (var side in sides)
        {
            SideListeners.Listen(kestrel, side);
        }

        if (options.UnixSocket is { } socket)
        {
            UnixSocketListener.Prepare(socket);
            kestrel.ListenUnixSocket(socket);
        }
    }

    public static void Listen(KestrelServerOptions kestrel, ListenAddress address, Action<ListenOptions>? configure = null)
    {
        configure ??= _ => { };
        if (address.IsLocalhost)
        {
            kestrel.ListenLocalhost(address.Port, configure);
        }
        else if (address.IsAny)
        {
            kestrel.ListenAnyIP(address.Port, configure);
        }
        else
        {
            kestrel.Listen(address.Address!, address.Port, configure);
        }
    }

    /// <summary>Each TLS handshake takes the certificate in use at that moment, so a renewed one needs no restart.</summary>
    private static void UseTls(ListenOptions listen)
    {
        var certificate = listen.ApplicationServices.GetRequiredService<ServerCertificate>();
        listen.UseHttps(new TlsHandshakeCallbackOptions
        {
            OnConnection = _ => ValueTask.FromResult(new SslServerAuthenticationOptions { ServerCertificateContext = certificate.Context }),
        });
    }

    /// <summary>
    /// Small requests, and no connection held for long without a request on it: an idle connection (before its
    /// first byte or between requests) for 10 s, unfinished headers for 5 s, a body slower than 240 bytes/s
    /// after 2 s. Each listener takes at most its share of the file descriptors (Kestrel counts connections
    /// per listener), so connections alone can never exhaust them; some stay free for the runtime, files and
    /// the connections to AWS.
    /// </summary>
    private static void SetLimits(KestrelServerLimits limits, int listeners)
    {
        limits.MaxRequestBodySize = MaximumBodyBytes;
        limits.MaxRequestHeadersTotalSize = 16 * 1024;
        limits.MaxRequestHeaderCount = 64;
        limits.MaxRequestLineSize = 4 * 1024;
        limits.RequestHeadersTimeout = TimeSpan.FromSeconds(5);
        limits.KeepAliveTimeout = TimeSpan.FromSeconds(10);
        limits.MinRequestBodyDataRate = new MinDataRate(bytesPerSecond: 240, gracePeriod: TimeSpan.FromSeconds(2));
        limits.MaxConcurrentConnections = ConnectionsPerListener(DescriptorLimit(), listeners);
    }

    /// <summary>The descriptors left after a reserve of 256, shared by the listeners: from 16 to 4,096 connections each.</summary>
    public static long ConnectionsPerListener(long descriptorLimit, int listeners) =>
        Math.Clamp((descriptorLimit - 256) / Math.Max(listeners, 1), 16, 4096);

    /// <summary>The soft limit on open files (<c>ulimit -n</c>), as <c>/proc/self/limits</c> says; 1,024 where that is unknown (not Linux).</summary>
    private static long DescriptorLimit()
    {
        const long Fallback = 1024;
        try
        {
            var line = File.ReadLines("/proc/self/limits").FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal));
            var soft = line?["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
            return soft == "unlimited" ? long.MaxValue
                : long.TryParse(soft, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) ? limit : Fallback;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Fallback;
        }
    }

    public static bool IsLoopback(IPAddress address) =>
        IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);
}
