using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
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
/// when a <see cref="ISideListener"/> is given (the admin HTTP routes), its routes on a listener of their own.
/// Tests and the CLI both build it here; nothing runs until the returned app is started.
/// </summary>
public static partial class CredentialServer
{
    /// <param name="options">The flags.</param>
    /// <param name="createSource">Turns one validated source configuration into a source (the CLI opens keys; tests pass fakes).</param>
    /// <param name="time">The clock of the cache and IMDS tokens.</param>
    /// <param name="logSinks">Replaces the console sink (tests capture log events).</param>
    /// <param name="sideListener">Routes served on a listener of their own (<c>serve --admin-listen</c>); none by default.</param>
    /// <exception cref="CredentialException">The flags or the config file are unusable (message says which).</exception>
    public static WebApplication Build(
        ServeOptions options,
        Func<CredentialSourceOptions, ICredentialSource> createSource,
        TimeProvider? time = null,
        Action<LoggerConfiguration>? logSinks = null,
        ISideListener? sideListener = null)
    {
        var addresses = Listeners.Parse(options);
        sideListener?.Validate(options, addresses);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [],
            // Not the working directory: a stray appsettings.json there must not configure the server.
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = Environments.Production,
        });
        builder.Configuration.Sources.Clear();
        AddConfigFile(builder.Configuration, options.ConfigFile);
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = options.ShutdownTimeout);
        // The static Log.Logger is left alone: several servers may share a process (tests), each with its own logger.
        builder.Services.AddSerilog((_, configuration) => ServerLogging.Configure(configuration, options.LogFormat, logSinks), preserveStaticLogger: true);
        builder.WebHost.ConfigureKestrel(kestrel => Listeners.Configure(kestrel, options, addresses, sideListener));
        builder.Services.Configure<SocketTransportOptions>(sockets => sockets.CreateBoundListenSocket = UnixSocketListener.CreateBoundListenSocket);

        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(time ?? TimeProvider.System);
        builder.Services.AddServeConfiguration(options, createSource);
        builder.Services.AddSingleton<ServerMetrics>();
        builder.Services.AddSingleton<CredentialCacheLog>();
        builder.Services.AddSingleton<CertificateExpiryLog>();
        builder.Services.AddSingleton(services => new CredentialCache(services.GetRequiredService<TimeProvider>(),
            observer: new CredentialCacheObservers(services.GetRequiredService<ServerMetrics>(), services.GetRequiredService<CredentialCacheLog>())));
        builder.Services.AddSingleton(services => new ServerToken(options.TokenFile, services.GetRequiredService<ILogger<ServerToken>>()));
        builder.Services.AddSingleton<ImdsTokens>();
        builder.Services.AddHostedService<ServerLifecycle>();
        builder.Services.AddHostedService<CertificateWatcher>();
        builder.Services.AddHostedService<RefreshSignal>();
        if (sideListener is not null)
        {
            builder.Services.AddSingleton(sideListener);
            sideListener.AddServices(builder.Services);
        }

        var app = builder.Build();
        UsePipeline(app, sideListener);
        return app;
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

    [GeneratedRegex(@"^Failed to convert configuration value .* at '(?<path>[^']*)'", RegexOptions.Singleline)]
    private static partial Regex ConvertFailure();

    // Sources:0:Name -> Sources[0]:Name
    [GeneratedRegex(@":([0-9]+)(?=:|$)")]
    private static partial Regex ConfigurationPath();

    /// <summary>The guard first, then logging, routing, the listener split, metrics, and every feature's routes.</summary>
    private static void UsePipeline(WebApplication app, ISideListener? sideListener)
    {
        var metrics = app.Services.GetRequiredService<ServerMetrics>();
        metrics.ObserveExpiry(
            () => app.Services.GetRequiredService<CredentialSources>().All.Select(app.Services.GetRequiredService<CredentialCache>().Status),
            app.Services.GetRequiredService<TimeProvider>());

        app.UseRequestGuard();
        app.UseSerilogRequestLogging(logging =>
        {
            logging.Logger = app.Services.GetRequiredService<Serilog.ILogger>();
            logging.GetLevel = (context, _, exception) => ServerLogging.RequestLevel(context.Response.StatusCode, exception);
        });
        app.UseClientFailures();
        app.UseRouting();
        if (sideListener is not null)
        {
            app.UseSideListenerSplit(sideListener);
        }

        app.UseHttpMetrics(http => http.SetMetricFactory(metrics.Factory));
        app.MapContainerCredentials();
        app.MapImds();
        app.MapHealth();
        app.MapLocalCredentials();
        app.MapMetrics("/metrics", metrics.Registry);
        sideListener?.MapRoutes(app).WithMetadata(SideListeners.RouteMarker);
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
