using Microsoft.Extensions.Logging;
using OpenRolesAnywhere.Core;

namespace OpenRolesAnywhere.Server.Logging;

/// <summary>Every message the server logs, with its event id. None takes a token or a credential.</summary>
internal static partial class Log
{
    /// <summary>
    /// The request's id and path on the lines logged while refusing it, as ASP.NET Core's per-request scope gave them
    /// before its logger was turned off (<see cref="ServerLogging"/>): only refusals pay for it.
    /// </summary>
    public static IDisposable? RequestScope(ILogger logger, Microsoft.AspNetCore.Http.HttpContext context) => logger.BeginScope(new KeyValuePair<string, object>[]
    {
        new("RequestId", context.TraceIdentifier),
        new("RequestPath", context.Request.Path.ToString()),
    });

    [LoggerMessage(1, LogLevel.Information, "Generated a new server token in {TokenFile}")]
    public static partial void TokenGenerated(ILogger logger, string tokenFile);

    [LoggerMessage(2, LogLevel.Information, "Reloaded the server token from {TokenFile}")]
    public static partial void TokenReloaded(ILogger logger, string tokenFile);

    [LoggerMessage(3, LogLevel.Warning, "Kept the previous server token: {TokenFile} could not be used ({Reason})")]
    public static partial void TokenReloadFailed(ILogger logger, string tokenFile, string reason);

    [LoggerMessage(10, LogLevel.Information, "Listening on {Address}")]
    public static partial void Listening(ILogger logger, string address);

    [LoggerMessage(11, LogLevel.Information, "For clients: {EnvironmentLine}")]
    public static partial void EnvironmentLine(ILogger logger, string environmentLine);

    [LoggerMessage(12, LogLevel.Information, "Serving source {Source}{DefaultMark:l}")]
    public static partial void Serving(ILogger logger, string source, string defaultMark);

    [LoggerMessage(20, LogLevel.Information, "Fetched credentials for {Source}, expiring {Expiration:u}, in {ElapsedMs:0} ms")]
    public static partial void Fetched(ILogger logger, string source, DateTimeOffset expiration, double elapsedMs);

    [LoggerMessage(21, LogLevel.Warning, "Fetching credentials for {Source} failed ({Kind}): {Reason} Retrying in {RetryInSeconds:0.#} s")]
    public static partial void FetchFailed(ILogger logger, string source, CredentialErrorKind kind, string reason, double retryInSeconds);

    [LoggerMessage(22, LogLevel.Information, "The certificate of {Source} expires {NotAfter:u}, in {DaysLeft:0.#} days")]
    public static partial void CertificateExpiry(ILogger logger, string source, DateTimeOffset notAfter, double daysLeft);

    [LoggerMessage(23, LogLevel.Warning, "The certificate of {Source} expires {NotAfter:u}, in {DaysLeft:0.#} days: renew it before then")]
    public static partial void CertificateExpiresSoon(ILogger logger, string source, DateTimeOffset notAfter, double daysLeft);

    [LoggerMessage(24, LogLevel.Error, "The certificate of {Source} expired at {NotAfter:u}: Roles Anywhere refuses it, so no new credentials can be fetched; renew it")]
    public static partial void CertificateExpired(ILogger logger, string source, DateTimeOffset notAfter);

    [LoggerMessage(30, LogLevel.Warning, "Refused a request from {Peer}: this server answers only loopback peers (--allow-remote changes that)")]
    public static partial void RefusedPeer(ILogger logger, string peer);

    [LoggerMessage(31, LogLevel.Warning, "Refused a request for host {Host}: not a name this server answers to (DNS rebinding guard; --allowed-host adds names)")]
    public static partial void RefusedHost(ILogger logger, string host);

    [LoggerMessage(40, LogLevel.Information, "Serving TLS with {CertificateFile} ({Subject}, valid until {NotAfter:u})")]
    public static partial void TlsCertificateLoaded(ILogger logger, string certificateFile, string subject, DateTimeOffset notAfter);

    [LoggerMessage(41, LogLevel.Information, "Reloaded the renewed TLS certificate {CertificateFile} ({Subject}, valid until {NotAfter:u})")]
    public static partial void TlsCertificateReloaded(ILogger logger, string certificateFile, string subject, DateTimeOffset notAfter);

    [LoggerMessage(42, LogLevel.Warning, "Kept the previous TLS certificate: {CertificateFile} and its key could not be used ({Reason})")]
    public static partial void TlsCertificateRenewalFailed(ILogger logger, string certificateFile, string reason);

    [LoggerMessage(43, LogLevel.Warning, "The TLS certificate {CertificateFile} is valid only from {NotBefore:u} to {NotAfter:u}: clients will refuse it until it is renewed")]
    public static partial void TlsCertificateOutsideValidity(ILogger logger, string certificateFile, DateTimeOffset notBefore, DateTimeOffset notAfter);

    [LoggerMessage(50, LogLevel.Information, "systemd passed {Count} listening socket(s); --listen is ignored")]
    public static partial void SocketActivated(ILogger logger, int count);

    [LoggerMessage(51, LogLevel.Information, "SIGHUP: fetching credentials for every source now ({Count})")]
    public static partial void RefreshingOnSignal(ILogger logger, int count);
}
