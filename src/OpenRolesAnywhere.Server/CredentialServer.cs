using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.Core.Credentials;
using OpenRolesAnywhere.Server.Configuration;
using OpenRolesAnywhere.Server.ContainerCredentials;
using OpenRolesAnywhere.Server.Health;
using OpenRolesAnywhere.Server.Hosting;
using OpenRolesAnywhere.Server.Imds;
using OpenRolesAnywhere.Server.LocalSocket;
using OpenRolesAnywhere.Server.Logging;
using OpenRolesAnywhere.Server.Metrics;
using OpenRolesAnywhere.Server.Security;
using Prometheus;
using Serilog;

namespace OpenRolesAnywhere.Server;

/// <summary>
/// Builds the credential server: Kestrel on loopback (or what <c>--listen</c> says), the container
/// credentials and IMDS endpoints over one shared <see cref="CredentialCache"/>, health and metrics, and,
/// for each <see cref="ISideListener"/> given (the admin HTTP routes, the signing proxy), its routes on a listener of its own.
/// Tests and the CLI both build it here; nothing runs until the returned app is started.
/// </summary>
public static partial class CredentialServer
{
    /// <param name="options">The flags.</param>
    /// <param name="createSource">Turns one validated source configuration into a source (the CLI opens keys; tests pass fakes).</param>
    /// <param name="time">The clock of the cache and IMDS tokens.</param>
    /// <param name="logSinks">Replaces the console sink (tests capture log events).</param>
    /// <param name="sideListeners">Routes served on listeners of their own (<c>serve --admin-listen</c>, <c>--proxy-listen</c>); none by default.</param>
    /// <exception cref="CredentialException">The flags or the config file are unusable (message says which).</exception>
    public static WebApplication Build(
        ServeOptions options,
        Func<CredentialSourceOptions, ICredentialSource> createSource,
        TimeProvider? time = null,
        Action<LoggerConfiguration>? logSinks = null,
        IReadOnlyList<ISideListener>? sideListeners = null)
    {
        sideListeners ??= [];
        var addresses = Listeners.Parse(options, sideListeners.Count > 0);
        ValidateSideListeners(options, addresses, sideListeners);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [],
            // Not the working directory: a stray appsettings.json there must not configure the server.
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = Environments.Production,
        });
        builder.Configuration.Sources.Clear();
        AddConfigFile(builder.Configuration, options.ConfigFile);
        builder.Services.AddServerCertificate(Listeners.TlsFiles(options, builder.Configuration, addresses));
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = options.ShutdownTimeout);
        // The static Log.Logger is left alone: several servers may share a process (tests), each with its own logger.
        builder.Services.AddSerilog((_, configuration) => ServerLogging.Configure(configuration, options.LogFormat, logSinks), preserveStaticLogger: true);
        builder.WebHost.ConfigureKestrel(kestrel => Listeners.Configure(kestrel, options, addresses, sideListeners));
        builder.Services.Configure<SocketTransportOptions>(sockets => sockets.CreateBoundListenSocket = UnixSocketListener.CreateBoundListenSocket);

        AddCredentialServices(builder.Services, options, createSource, time);
        foreach (var side in sideListeners)
        {
            builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<MatcherPolicy, SideListeners.MatcherPolicy>());
            side.AddServices(builder.Services);
        }

        var app = builder.Build();
        UsePipeline(app, sideListeners);
        return app;
    }

    /// <summary>The cache, its sources and observers, tokens and the hosted services every serve has.</summary>
    private static void AddCredentialServices(IServiceCollection services, ServeOptions options,
        Func<CredentialSourceOptions, ICredentialSource> createSource, TimeProvider? time)
    {
        services.AddSingleton(options);
        services.AddSingleton(time ?? TimeProvider.System);
        services.AddServeConfiguration(options, createSource);
        services.AddSingleton<ServerMetrics>();
        // Side listeners count what they do in the same registry (the proxy's requests).
        services.AddSingleton(provider => provider.GetRequiredService<ServerMetrics>().Factory);
        services.AddSingleton(provider => new ServedCredentials(provider.GetRequiredService<CredentialSources>(), provider.GetRequiredService<CredentialCache>()));
        services.AddSingleton<CredentialCacheLog>();
        services.AddSingleton<CertificateExpiryLog>();
        services.AddSingleton(provider => new CredentialCache(provider.GetRequiredService<TimeProvider>(),
            observer: new CredentialCacheObservers(provider.GetRequiredService<ServerMetrics>(), provider.GetRequiredService<CredentialCacheLog>())));
        services.AddSingleton(provider => new ServerToken(options.TokenFile, provider.GetRequiredService<ILogger<ServerToken>>()));
        services.AddSingleton<SourceTokens>();
        services.AddSingleton<ImdsTokens>();
        services.AddHostedService<ServerLifecycle>();
        services.AddHostedService<CertificateWatcher>();
        services.AddHostedService<RefreshSignal>();
    }

    private static void ValidateSideListeners(ServeOptions options, IReadOnlyList<Hosting.ListenAddress> addresses, IReadOnlyList<ISideListener> sideListeners)
    {
        foreach (var side in sideListeners)
        {
            side.Validate(options, addresses);
        }

        if (sideListeners.Where(s => s.Address.Port != 0).GroupBy(s => s.Address.Port).FirstOrDefault(g => g.Count() > 1) is { } shared)
        {
            throw new CredentialException(CredentialErrorKind.InvalidInput, $"Two side listeners ({string.Join(", ", shared.Select(s => s.Address.Url))}) share a port: give each a port of its own.");
        }
    }

    /// <summary>
    /// What to tell a person when <c>StartAsync</c> failed over configuration (invalid fields, unknown
    /// fields, unusable files); null for failures that are not about configuration.
    /// </summary>
    public static string? DescribeStartFailure(Exception failure) => failure switch
    {
        OptionsValidationException invalid => "The configuration is invalid:" + string.Concat(invalid.Failures.Select(f => Environment.NewLine + "  " + f)),
        InvalidOperationException binding when DescribeBindingFailure(binding) is { } message => message,
        CredentialException expected => expected.Message,
        IOException { InnerException: Microsoft.AspNetCore.Connections.AddressInUseException } busy => DescribeAddressInUse(busy),
        AggregateException { InnerExceptions: [var single] } => DescribeStartFailure(single),
        _ => null,
    };

    /// <summary>
    /// The binder's failures, found by their messages (it has no exception types of its own), thrown at the
    /// top level or wrapped once: unknown fields, and values of the wrong shape (<c>"Sources": "x"</c>).
    /// </summary>
    private static string? DescribeBindingFailure(InvalidOperationException failure)
    {
        string[] messages = [failure.InnerException?.Message ?? "", failure.Message];
        if (messages.FirstOrDefault(m => m.Contains(nameof(BinderOptions.ErrorOnUnknownConfiguration), StringComparison.Ordinal)) is { } unknown)
        {
            return "The config file has fields serve does not know (a typo?): " + unknown[(unknown.LastIndexOf(": ", StringComparison.Ordinal) + 2)..];
        }

        if (messages.Select(m => ConvertFailure().Match(m)).FirstOrDefault(m => m.Success) is { } convert)
        {
            // The value itself is left out: it may be anything, and messages are shown and logged as they are.
            var field = ConfigurationPath().Replace(convert.Groups["path"].Value, "[$1]").Replace(':', '.');
            return $"The config file's field {field} does not hold what serve expects: see the --config format in the README (\"Sources\" is a list of objects).";
        }

        return null;
    }

    /// <summary>A usage error, not a bug: the address is named (Kestrel's message holds it) with the way to choose another.</summary>
    private static string DescribeAddressInUse(IOException failure)
    {
        var match = BusyAddress().Match(failure.Message);
        var address = match.Success ? match.Groups["address"].Value : "the address asked for";
        return $"Another program already listens on {address} (another `openrolesanywhere serve`?). Stop it, or choose another address: " +
            "--listen http://127.0.0.1:PORT (--admin-listen for the admin routes), and give clients the same with `openrolesanywhere env --listen`.";
    }

    // Kestrel: "Failed to bind to address http://127.0.0.1:9911: address already in use."
    [GeneratedRegex(@"address (?<address>\S+): address already in use")]
    private static partial Regex BusyAddress();

    [GeneratedRegex(@"^Failed to convert configuration value .* at '(?<path>[^']*)'", RegexOptions.Singleline)]
    private static partial Regex ConvertFailure();

    // Sources:0:Name -> Sources[0]:Name
    [GeneratedRegex(@":([0-9]+)(?=:|$)")]
    private static partial Regex ConfigurationPath();

    /// <summary>The guard first, then logging, routing, the listener split, metrics, and every feature's routes.</summary>
    private static void UsePipeline(WebApplication app, IReadOnlyList<ISideListener> sideListeners)
    {
        var metrics = app.Services.GetRequiredService<ServerMetrics>();
        metrics.ObserveExpiry(
            () => app.Services.GetRequiredService<CredentialSources>().All.Select(app.Services.GetRequiredService<CredentialCache>().Status),
            app.Services.GetRequiredService<TimeProvider>());

        app.UseRequestGuard(sideListeners.Count > 0);
        app.UseRequestLog(app.Services.GetRequiredService<Serilog.ILogger>());
        app.UseClientFailures();
        if (sideListeners.Count == 0)
        {
            app.UseContainerCredentialsRoute(app);
        }

        app.UseRouting();
        if (sideListeners.Count > 0)
        {
            app.UseSideListenerSplit();
        }

        app.UseRequestMetrics(metrics.Factory);
        app.MapContainerCredentials();
        app.MapImds();
        app.MapHealth();
        app.MapLocalCredentials();
        app.MapMetrics("/metrics", metrics.Registry);
        foreach (var side in sideListeners)
        {
            side.MapRoutes(app).WithMetadata(SideListeners.RouteMarker(side));
        }
    }

    private static void AddConfigFile(IConfigurationBuilder configuration, string? file)
    {
        if (file is null)
        {
            return;
        }

        var path = Path.GetFullPath(file);
        if (!File.Exists(path))
        {
            throw new CredentialException(CredentialErrorKind.InvalidInput, $"The config file {path} does not exist.");
        }

        try
        {
            configuration.AddJsonFile(path, optional: false, reloadOnChange: false);
        }
        catch (InvalidDataException e)
        {
            throw new CredentialException(CredentialErrorKind.InvalidInput, $"The config file {path} is not valid JSON: {e.InnerException?.Message ?? e.Message}", e);
        }
    }

    /// <summary>The https listeners' certificate, when there are any; loaded when Kestrel is configured, so a bad pair stops the build.</summary>
    private static void AddServerCertificate(this IServiceCollection services, (string Certificate, string Key)? files)
    {
        if (files is { } tls)
        {
            services.AddSingleton(provider => new ServerCertificate(tls.Certificate, tls.Key,
                provider.GetRequiredService<TimeProvider>(), provider.GetRequiredService<ILogger<ServerCertificate>>()));
        }
    }

    /// <summary>Binds <see cref="ServeConfiguration"/> from the config file (unknown fields are errors), adds the flags' source, validates at start.</summary>
    private static void AddServeConfiguration(this IServiceCollection services, ServeOptions options, Func<CredentialSourceOptions, ICredentialSource> createSource)
    {
        services.AddOptions<ServeConfiguration>()
            .BindConfiguration(string.Empty, binder => binder.ErrorOnUnknownConfiguration = true)
            .PostConfigure(configuration =>
            {
                if (options.CommandLineSource is { } flags)
                {
                    flags.Name ??= "default";
                    configuration.Sources.Insert(0, flags);
                }
            })
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<ServeConfiguration>, ServeConfigurationValidator>();
        services.AddSingleton(services => new CredentialSources(services.GetRequiredService<IOptions<ServeConfiguration>>(), createSource, options.Environment));
    }
}
