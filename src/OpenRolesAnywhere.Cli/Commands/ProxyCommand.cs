using System.CommandLine;
using OpenRolesAnywhere.Cli.Keys;
using OpenRolesAnywhere.Proxy;
using OpenRolesAnywhere.Server;
using OpenRolesAnywhere.Server.Hosting;

namespace OpenRolesAnywhere.Cli.Commands;

/// <summary>
/// <c>proxy</c>: a SigV4 signing reverse proxy for programs that cannot sign (Prometheus remote-write, curl):
/// listens on loopback, forwards to one AWS service and signs each request with the source's cached
/// credentials. It is <c>serve</c>'s server with the proxy as its only listener (same source flags, config
/// file, listener rules and logging); <c>serve --proxy-listen</c> runs it beside the credential endpoints.
/// </summary>
internal sealed class ProxyCommand : Command
{
    public const string DefaultListen = "http://127.0.0.1:9913";

    public ProxyCommand(CliEnvironment environment)
        : base("proxy", $"Forward requests to an AWS service, signed with SigV4 by the source's credentials (for Prometheus remote-write, curl...; on {DefaultListen}).")
    {
        var source = new CredentialSourceOptionSet(withRegion: false);
        source.AddTo(this);
        var serve = new ServeOptionSet();
        var proxy = new ProxyOptionSet("--");
        var listen = new Option<string>("--listen") { Description = "URL to listen on; non-loopback needs --allow-remote (then anyone who reaches it signs as your role).", DefaultValueFactory = _ => DefaultListen };
        foreach (var option in proxy.All.Prepend(listen).Concat([serve.Config, serve.AllowRemote, serve.AllowedHost, serve.LogFormat]))
        {
            Options.Add(option);
        }

        SetAction((parseResult, cancellationToken) =>
        {
            var flags = source.Bind(parseResult);
            var options = new ServeOptions
            {
                Listen = [],
                UnixSocket = null,
                AllowRemote = parseResult.GetValue(serve.AllowRemote),
                AllowedHosts = parseResult.GetValue(serve.AllowedHost) ?? [],
                LogFormat = parseResult.GetValue(serve.LogFormat),
                ConfigFile = parseResult.GetValue(serve.Config),
                CommandLineSource = flags.Certificate is not null || flags.Name is not null || flags.RoleArn is not null ? flags : null,
                Environment = environment.Variable,
            };
            var listener = new SigV4ProxyListener(ListenAddress.Parse(parseResult.GetValue(listen)!), proxy.Bind(parseResult, environment));
            var keys = KeySourceRegistration.Create(environment, parseResult.InvocationConfiguration.Error);
            return ServeCommand.RunAsync(options, keys, [listener], environment, cancellationToken);
        });
    }
}
