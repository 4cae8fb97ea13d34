using System.CommandLine;
using Microsoft.Extensions.Hosting;
using OpenRolesAnywhere.Admin.Http;
using OpenRolesAnywhere.Cli.Commands.Admin;
using OpenRolesAnywhere.Cli.Keys;
using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.Core.Credentials;
using OpenRolesAnywhere.Core.RolesAnywhere;
using OpenRolesAnywhere.Server;
using OpenRolesAnywhere.Server.Hosting;

namespace OpenRolesAnywhere.Cli.Commands;

/// <summary>
/// <c>serve</c>: the long-lived local credential server (container-credentials and IMDSv2 endpoints over
/// one cache). Runs until SIGINT or SIGTERM, then finishes requests in flight.
/// </summary>
internal sealed class ServeCommand : Command
{
    public ServeCommand(CliEnvironment environment)
        : base("serve", "Serve AWS credentials to SDKs, the AWS CLI and containers from a shared cache (container credentials and IMDSv2 on 127.0.0.1:9911).")
    {
        var source = new CredentialSourceOptionSet();
        source.AddTo(this);
        var config = new Option<string?>("--config") { Description = "JSON file of named sources: {\"DefaultSource\": \"dev\", \"Sources\": [{\"Name\": \"dev\", \"Certificate\": \"...\", \"RoleArn\": \"...\"}]}." };
        var listen = new Option<string[]>("--listen") { Description = "URL(s) to listen on (repeat or separate with commas); non-loopback ones need --allow-remote.", DefaultValueFactory = _ => [ServeOptions.DefaultListen] };
        var allowRemote = new Option<bool>("--allow-remote") { Description = "Allow non-loopback addresses and peers (they always need the token and get no IMDS)." };
        var allowedHost = new Option<string[]>("--allowed-host") { Description = "A DNS name clients may use in the Host header besides localhost (IP addresses always pass)." };
        var tokenFile = new Option<string?>("--token-file") { Description = "Token file (read if present, else generated, 0600, no trailing newline). Default: the runtime directory's server.token." };
        var socket = new Option<string?>("--socket") { Description = "Unix socket for credential-process. Default: the runtime directory's server.sock." };
        var noSocket = new Option<bool>("--no-socket") { Description = "Do not listen on a Unix socket." };
        var logFormat = new Option<LogFormat>("--log-format") { Description = "human (default) or json (one object per line, for containers).", DefaultValueFactory = _ => LogFormat.Human };
        var imdsV1 = new Option<bool>("--imds-v1") { Description = "Answer IMDS GETs without a session token (IMDSv1). Off by default." };
        var adminListen = new Option<string?>("--admin-listen") { Description = "Serve the admin HTTP routes (/admin/...) on this URL only, such as http://127.0.0.1:9912; off by default. Non-loopback needs --allow-remote." };
        var adminTokenFile = new Option<string?>("--admin-token-file") { Description = "File (0600) holding the bearer token admin requests must send; required with --admin-listen." };
        foreach (var option in new Option[] { config, listen, allowRemote, allowedHost, tokenFile, socket, noSocket, logFormat, imdsV1, adminListen, adminTokenFile })
        {
            Options.Add(option);
        }

        // The admin commands' AWS flags, prefixed: serve's own --region and --endpoint belong to the credential source.
        var adminAws = new AdminAwsOptionSet("--admin-");
        adminAws.AddTo(this);

        SetAction(async (parseResult, cancellationToken) =>
        {
            var flags = source.Bind(parseResult);
            var options = new ServeOptions
            {
                Listen = parseResult.GetValue(listen)!.SelectMany(l => l.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList(),
                AllowRemote = parseResult.GetValue(allowRemote),
                AllowedHosts = parseResult.GetValue(allowedHost) ?? [],
                TokenFile = parseResult.GetValue(tokenFile) ?? LocalServerPaths.TokenFile(environment.Variable),
                UnixSocket = parseResult.GetValue(noSocket) ? null : parseResult.GetValue(socket) ?? LocalServerPaths.Socket(environment.Variable),
                LogFormat = parseResult.GetValue(logFormat),
                ImdsV1 = parseResult.GetValue(imdsV1),
                ConfigFile = parseResult.GetValue(config),
                // Flags describe a source only when they name a certificate or a role; --config alone needs none.
                CommandLineSource = flags.Certificate is not null || flags.Name is not null || flags.RoleArn is not null ? flags : null,
                Environment = environment.Variable,
            };

            var admin = AdminListenerFrom(parseResult.GetValue(adminListen), parseResult.GetValue(adminTokenFile), file => adminAws.EndpointOptions(parseResult, environment, file));
            var keys = KeySourceRegistration.Create(environment, parseResult.InvocationConfiguration.Error);
            using var http = environment.CreateHttpClient();
            var client = new RolesAnywhereClient(http, environment.Time, environment: environment.Variable);
            await using var app = CredentialServer.Build(options, o => new RolesAnywhereCredentialSource(o, keys, client, environment.Variable), environment.Time, sideListener: admin);
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
        });
    }

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
