using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using OpenRolesAnywhere.Core.Credentials;
using OpenRolesAnywhere.Core.KeySources;
using OpenRolesAnywhere.Signers.SshAgent;
using OpenRolesAnywhere.TestCommon;
using OpenRolesAnywhere.TestCommon.Credentials;
using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace OpenRolesAnywhere.Server.Tests;

/// <summary>
/// A real server on Kestrel at 127.0.0.1:0 with counting fake sources, a token file and a Unix socket in a
/// temporary directory, and every log event captured (to prove no secret is logged).
/// </summary>
internal sealed class RunningServer : IAsyncDisposable
{
    private readonly TempDirectory _directory;

    private RunningServer(WebApplication app, TempDirectory directory, IReadOnlyDictionary<string, CountingCredentialSource> sources, LogCapture logs)
    {
        App = app;
        _directory = directory;
        Directory = directory.Path;
        Sources = sources;
        Logs = logs;
        BaseAddress = new Uri(app.Urls.First(u => u.StartsWith("http://127.0.0.1", StringComparison.Ordinal)));
        Client = new HttpClient { BaseAddress = BaseAddress };
    }

    public WebApplication App { get; }

    public string Directory { get; }

    public IReadOnlyDictionary<string, CountingCredentialSource> Sources { get; }

    public CountingCredentialSource Default => Sources["default"];

    public LogCapture Logs { get; }

    public Uri BaseAddress { get; }

    public HttpClient Client { get; }

    public string TokenFile => Path.Combine(Directory, "server.token");

    public string Socket => Path.Combine(Directory, "server.sock");

    public string Token => File.ReadAllText(TokenFile);

    /// <summary>Options for a server in <paramref name="directory"/>; tests change what they need with <c>with</c>-style init.</summary>
    public static ServeOptions OptionsIn(string directory, bool imdsV1 = false, bool allowRemote = false, string? configFile = null, IReadOnlyList<string>? listen = null,
        CredentialSourceOptions? source = null) => new()
    {
        Listen = listen ?? ["http://127.0.0.1:0"],
        TokenFile = Path.Combine(directory, "server.token"),
        UnixSocket = Path.Combine(directory, "server.sock"),
        ImdsV1 = imdsV1,
        AllowRemote = allowRemote,
        ConfigFile = configFile,
        CommandLineSource = source ?? DefaultSourceOptions(),
    };

    /// <summary>The key backends the sources' keys are described with (no agent or file is opened: the sources are fakes).</summary>
    public static KeySourceProviders Keys { get; } = new([new SshAgentKeySource(_ => null), new FileKeySource(_ => null, prompt: null)]);

    public static CredentialSourceOptions DefaultSourceOptions() => new()
    {
        Certificate = "unused-by-fakes.pem",
        RoleArn = $"arn:aws:iam::{CountingCredentialSource.AccountId}:role/default",
    };

    /// <param name="options">Options from the directory and the config file listing <paramref name="extraSources"/> (null without).</param>
    /// <param name="arrange">Runs before the server starts (and warms its sources).</param>
    /// <param name="logLevel">The lowest level logged (and captured); serve's own default is Information.</param>
    public static async Task<RunningServer> StartAsync(
        TimeProvider? time = null,
        Func<string, string?, ServeOptions>? options = null,
        Action<IReadOnlyDictionary<string, CountingCredentialSource>>? arrange = null,
        LogEventLevel logLevel = LogEventLevel.Verbose,
        params string[] extraSources)
    {
        var clock = time ?? TimeProvider.System;
        var temp = new TempDirectory();
        var directory = temp.Path;
        var sources = new[] { "default" }.Concat(extraSources)
            .ToDictionary(n => n, n => new CountingCredentialSource(clock, n), StringComparer.Ordinal);
        arrange?.Invoke(sources);
        string? configFile = null;
        if (extraSources.Length > 0)
        {
            configFile = Path.Combine(directory, "serve.json");
            File.WriteAllText(configFile, JsonSerializer.Serialize(new
            {
                Sources = extraSources.Select(n => new { Name = n, Certificate = "unused.pem", RoleArn = $"arn:aws:iam::{CountingCredentialSource.AccountId}:role/{n}" }),
            }));
        }

        return await StartAsync(temp, (options ?? ((d, c) => OptionsIn(d, configFile: c)))(directory, configFile), o =>
        {
            // Each fake answers to the key of its options, as a real source does.
            var source = sources[o.Name!];
            source.CacheKey = o.CacheKey(Keys);
            return source;
        }, clock, sources, logLevel);
    }

    /// <summary>A server with one real source, the flags' <paramref name="source"/>, made by <paramref name="create"/>.</summary>
    public static Task<RunningServer> StartAsync(CredentialSourceOptions source, Func<CredentialSourceOptions, ICredentialSource> create, TimeProvider time)
    {
        var temp = new TempDirectory();
        return StartAsync(temp, OptionsIn(temp.Path, source: source), create, time, new Dictionary<string, CountingCredentialSource>());
    }

    private static async Task<RunningServer> StartAsync(TempDirectory temp, ServeOptions options, Func<CredentialSourceOptions, ICredentialSource> create, TimeProvider time,
        IReadOnlyDictionary<string, CountingCredentialSource> sources, LogEventLevel logLevel = LogEventLevel.Verbose)
    {
        var logs = new LogCapture();
        var app = CredentialServer.Build(options, create, time, logging => logging.MinimumLevel.Is(logLevel).WriteTo.Sink(logs));
        await app.StartAsync();
        return new RunningServer(app, temp, sources, logs);
    }

    public HttpRequestMessage ContainerRequest(string path = "/v1/credentials", string? token = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("Authorization", token ?? Token);
        request.Headers.Accept.ParseAdd("application/json");
        return request;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        _directory.Dispose();
    }
}

/// <summary>Every log event, rendered with its properties, so tests can search them for secrets.</summary>
internal sealed class LogCapture : ILogEventSink
{
    private readonly ConcurrentQueue<string> _events = new();
    private readonly ConcurrentQueue<LogEvent> _raw = new();

    public IReadOnlyCollection<string> Events => _events;

    /// <summary>The events as logged, for their levels and exceptions.</summary>
    public IReadOnlyCollection<LogEvent> Raw => _raw;

    public void Emit(LogEvent logEvent)
    {
        _raw.Enqueue(logEvent);
        _events.Enqueue(logEvent.RenderMessage(System.Globalization.CultureInfo.InvariantCulture) + " " +
            string.Join(' ', logEvent.Properties.Select(p => $"{p.Key}={p.Value}")) + " " + logEvent.Exception);
    }
}
