using System.CommandLine;
using Microsoft.Extensions.Hosting;
using OpenRolesAnywhere.Admin.Http;
using OpenRolesAnywhere.Cli.Commands.Admin;
using OpenRolesAnywhere.Cli.Keys;
using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.Core.Credentials;
using OpenRolesAnywhere.Core.KeySources;
using OpenRolesAnywhere.Core.RolesAnywhere;
using OpenRolesAnywhere.Proxy;
using OpenRolesAnywhere.Server;
using OpenRolesAnywhere.Server.Hosting;

namespace OpenRolesAnywhere.Cli.Commands;

/// <summary>
/// <c>serve</c>: the long-lived local credential server (container-credentials and IMDSv2 endpoints over
/// one cache). Runs until SIGINT or SIGTERM, then finishes requests in flight.
/// </summary>
internal sealed class ServeCommand : Command, IHelpSections
{
    private const string CertificateAndKey = "Certificate and key";
    private const string Session = "Role and session";
    private const string Listeners = "Listeners";
    private const string Operations = "Several sources, logging";
    private const string AdminRoutes = "Admin HTTP routes (off unless --admin-listen)";
    private const string SigningProxy = "SigV4 signing proxy (off unless --proxy-listen)";

    /// <summary>serve's 30-odd options by section, for --help; a new option gets its section by one line here.</summary>
    public IReadOnlyDictionary<string, string> HelpSections { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["--name"] = CertificateAndKey,
        ["--certificate"] = CertificateAndKey,
        ["--intermediates"] = CertificateAndKey,
        ["--ssh-fingerprint"] = CertificateAndKey,
        ["--private-key"] = CertificateAndKey,
        ["--pkcs11-lib"] = CertificateAndKey,
        ["--private-key-password-env"] = CertificateAndKey,
        ["--role-arn"] = Session,
        ["--trust-anchor-arn"] = Session,
        ["--profile-arn"] = Session,
        ["--session-duration"] = Session,
        ["--role-session-name"] = Session,
        ["--region"] = Session,
        ["--endpoint"] = Session,
        ["--with-proxy"] = Session,
        ["--listen"] = Listeners,
        ["--port"] = Listeners,
        ["--allow-remote"] = Listeners,
        ["--allowed-host"] = Listeners,
        ["--tls-certificate"] = Listeners,
        ["--tls-key"] = Listeners,
        ["--token-file"] = Listeners,
        ["--socket"] = Listeners,
        ["--no-socket"] = Listeners,
        ["--imds-v1"] = Listeners,
        ["--config"] = Operations,
        ["--log-format"] = Operations,
        ["--debug"] = Operations,
        ["--admin-listen"] = AdminRoutes,
        ["--admin-token-file"] = AdminRoutes,
        ["--admin-region"] = AdminRoutes,
        ["--admin-endpoint"] = AdminRoutes,
        ["--admin-kms-endpoint"] = AdminRoutes,
        ["--proxy-listen"] = SigningProxy,
        ["--proxy-service"] = SigningProxy,
        ["--proxy-region"] = SigningProxy,
        ["--proxy-upstream"] = SigningProxy,
        ["--proxy-source"] = SigningProxy,
    };

    public ServeCommand(CliEnvironment environment)
        : base("serve", "Serve AWS credentials to SDKs, the AWS CLI and containers from a shared cache (container credentials and IMDSv2 on 127.0.0.1:9911).")
    {
        var source = new CredentialSourceOptionSet();
        source.AddTo(this);
        var serve = new ServeOptionSet();
        serve.AddTo(this);
        var adminListen = new Option<string?>("--admin-listen") { Description = "Serve the admin HTTP routes (/admin/...) on this URL only, such as http://127.0.0.1:9912. Non-loopback needs --allow-remote. [default: no admin routes]" };
        var adminTokenFile = new Option<string?>("--admin-token-file") { Description = "File (0600) holding the bearer token admin requests must send; required with --admin-listen." };
        Options.Add(adminListen);
        Options.Add(adminTokenFile);

        // The admin commands' AWS flags, prefixed: serve's own --region and --endpoint belong to the credential source.
        var adminAws = new AdminAwsOptionSet("--admin-", signs: true);
        adminAws.AddTo(this);
        var proxyListen = new Option<string?>("--proxy-listen") { Description = "Run the SigV4 signing proxy (see `proxy`) on this URL too, such as http://127.0.0.1:9913, signing with this server's cache. [default: no proxy]" };
        var proxy = new ProxyOptionSet("--proxy-");
        Options.Add(proxyListen);
        foreach (var option in proxy.All)
        {
            Options.Add(option);
        }

        SetAction((parseResult, cancellationToken) =>
        {
            var options = serve.Bind(parseResult, source.Bind(parseResult), environment);
            var admin = AdminListenerFrom(parseResult.GetValue(adminListen), parseResult.GetValue(adminTokenFile), file => adminAws.EndpointOptions(parseResult, environment, file));
            var signing = ProxyListenerFrom(parseResult, proxyListen, proxy, environment);
            var keys = KeySourceRegistration.Create(environment, parseResult.InvocationConfiguration.Error);
            return RunAsync(options, keys, [.. new ISideListener?[] { admin, signing }.OfType<ISideListener>()], environment, cancellationToken);
        });
    }

    /// <summary>Runs the server until SIGINT or SIGTERM; <c>proxy</c> runs it too, with no credential listener.</summary>
    internal static async Task<int> RunAsync(ServeOptions options, KeySourceProviders keys, IReadOnlyList<ISideListener> sideListeners, CliEnvironment environment, CancellationToken cancellationToken)
    {
        using var http = environment.CreateHttpClient();
        var client = new RolesAnywhereClient(http, environment.Time, environment: environment.Variable);
        await using var app = CredentialServer.Build(options, o => new RolesAnywhereCredentialSource(o, keys, client, environment.Variable), environment.Time, sideListeners: sideListeners);
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (Exception e) when (e is not CredentialException && CredentialServer.DescribeStartFailure(e) is { } message)
        {
            throw new CredentialException(CredentialErrorKind.InvalidInput, message, e);
        }

        await app.WaitForShutdownAsync(cancellationToken);
        return ExitCodes.Success;
    }

    /// <summary>The signing proxy on a listener of its own when <c>--proxy-listen</c> is given; its other flags alone are a mistake.</summary>
    private static SigV4ProxyListener? ProxyListenerFrom(ParseResult result, Option<string?> listen, ProxyOptionSet proxy, CliEnvironment environment) =>
        result.GetValue(listen) is { } url ? new SigV4ProxyListener(ListenAddress.Parse(url, listen.Name), proxy.Bind(result, environment))
        : proxy.AnyGiven(result) ? throw new CredentialException(CredentialErrorKind.InvalidInput, $"{proxy.Service.Name} and the other --proxy- flags need --proxy-listen URL: give it, or leave them out.")
        : null;

    /// <summary>The admin routes on a listener of their own, when both admin flags are given; neither means none.</summary>
    private static AdminListener? AdminListenerFrom(string? listen, string? tokenFile, Func<string, AdminEndpointOptions> options)
    {
        if (listen is null)
        {
            return tokenFile is null ? null
                : throw new CredentialException(CredentialErrorKind.InvalidInput, "--admin-token-file is only used with --admin-listen: give both, or neither.");
        }

        if (tokenFile is null)
        {
            throw new CredentialException(CredentialErrorKind.InvalidInput,
                "--admin-listen needs --admin-token-file, a file (0600) holding the bearer token admin requests must send.");
        }

        return new AdminListener(ListenAddress.Parse(listen, "--admin-listen"), options(tokenFile));
    }
}
