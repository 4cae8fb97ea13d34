using System.CommandLine;
using OpenRolesAnywhere.Core.Credentials;
using OpenRolesAnywhere.Server;

namespace OpenRolesAnywhere.Cli.Commands;

/// <summary><c>serve</c>'s own flags (listeners, token, socket, logging), apart from the source and admin flags.</summary>
internal sealed class ServeOptionSet
{
    public Option<string?> Config { get; } = new("--config") { Description = "JSON file of named sources: {\"DefaultSource\": \"dev\", \"Sources\": [{\"Name\": \"dev\", \"Certificate\": \"...\", \"RoleArn\": \"...\"}]}." };
    public Option<string[]> Listen { get; } = new("--listen") { Description = "URL(s) to listen on (repeat or separate with commas); non-loopback ones need --allow-remote.", DefaultValueFactory = _ => [ServeOptions.DefaultListen] };
    public Option<int?> Port { get; } = new("--port") { Description = "The official helper's flag: --port N is --listen http://127.0.0.1:N." };
    public Option<bool> AllowRemote { get; } = new("--allow-remote") { Description = "Allow non-loopback addresses and peers (they always need the token and get no IMDS)." };
    public Option<string[]> AllowedHost { get; } = new("--allowed-host") { Description = "A DNS name clients may use in the Host header besides localhost (IP addresses always pass)." };
    public Option<string?> TokenFile { get; } = new("--token-file") { Description = "Token file (read if present, else generated, 0600, no trailing newline). Default: the runtime directory's server.token." };
    public Option<string?> Socket { get; } = new("--socket") { Description = "Unix socket for credential-process. Default: the runtime directory's server.sock." };
    public Option<bool> NoSocket { get; } = new("--no-socket") { Description = "Do not listen on a Unix socket." };
    public Option<LogFormat> LogFormat { get; } = new("--log-format") { Description = "human (default) or json (one object per line, for containers).", DefaultValueFactory = _ => Server.LogFormat.Human };
    public Option<bool> ImdsV1 { get; } = new("--imds-v1") { Description = "Answer IMDS GETs without a session token (IMDSv1). Off by default." };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Config, Listen, AllowRemote, AllowedHost, TokenFile, Socket, NoSocket, LogFormat, ImdsV1 })
        {
            command.Options.Add(option);
        }

        command.Options.Add(Port);
        command.Validators.Add(result =>
        {
            if (result.GetValue(Port) is not { } port)
            {
                return;
            }

            if (port is < 1 or > 65535)
            {
                result.AddError($"--port {port} is not a TCP port: give 1 to 65535.");
            }
            else if (result.GetResult(Listen) is { Implicit: false })
            {
                result.AddError($"Give --port or --listen, not both: --port {port} means --listen http://127.0.0.1:{port}; add other addresses with --listen alone.");
            }
        });
    }

    /// <summary>The server's options; <paramref name="flags"/> describe a source only when they name a certificate or a role.</summary>
    public ServeOptions Bind(ParseResult result, CredentialSourceOptions flags, CliEnvironment environment) => new()
    {
        Listen = result.GetValue(Port) is { } port ? [$"http://127.0.0.1:{port}"] : result.GetValue(Listen)!.SelectMany(l => l.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList(),
        AllowRemote = result.GetValue(AllowRemote),
        AllowedHosts = result.GetValue(AllowedHost) ?? [],
        TokenFile = result.GetValue(TokenFile) ?? LocalServerPaths.TokenFile(environment.Variable),
        UnixSocket = result.GetValue(NoSocket) ? null : result.GetValue(Socket) ?? LocalServerPaths.Socket(environment.Variable),
        LogFormat = result.GetValue(LogFormat),
        ImdsV1 = result.GetValue(ImdsV1),
        ConfigFile = result.GetValue(Config),
        // --config alone needs no source from the flags.
        CommandLineSource = flags.Certificate is not null || flags.Name is not null || flags.RoleArn is not null ? flags : null,
        Environment = environment.Variable,
    };
}
