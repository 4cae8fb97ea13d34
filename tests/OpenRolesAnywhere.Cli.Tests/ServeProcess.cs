using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using OpenRolesAnywhere.TestCommon;

namespace OpenRolesAnywhere.Cli.Tests;

/// <summary>`openrolesanywhere serve` as a real child process on a free loopback port, stopped with SIGTERM.</summary>
internal sealed partial class ServeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private ServeProcess(Process process)
    {
        _process = process;
        _process.ErrorDataReceived += (_, e) => { lock (_log) { _log.AppendLine(e.Data); } };
        _process.OutputDataReceived += (_, e) => { lock (_log) { _log.AppendLine(e.Data); } };
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
    }

    public int Port { get; private set; }

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}");

    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>
    /// Starts <paramref name="launcher"/> (e.g. systemd-socket-activate, listening on <paramref name="port"/>) or
    /// the CLI on a port the kernel picks, and waits until /healthz answers with every source's credentials
    /// held (or, unless <paramref name="requireValidCredentials"/>, answers at all).
    /// </summary>
    /// <param name="wrapper">Runs the CLI under this command (a umask or a descriptor limit) without changing its flags.</param>
    public static async Task<ServeProcess> StartAsync(IEnumerable<string> serveArguments, IDictionary<string, string?> environment, int? port = null,
        IEnumerable<string>? launcher = null, IEnumerable<string>? wrapper = null, bool requireValidCredentials = true)
    {
        // SIGINT at its default, as under a terminal: a test run started in the background (`... &`, as some
        // CI runners do) passes SIGINT on as ignored, and the stop-signal test would then wait for nothing.
        var command = new[] { "env", "--default-signal=INT" }.Concat(launcher ?? []).Concat(wrapper ?? []).Concat(CliExecutable.CommandLine(["serve"])).Concat(serveArguments)
            .Concat(launcher is null ? ["--listen", "http://127.0.0.1:0"] : []).ToList();
        var start = new ProcessStartInfo(command[0]) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in command.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var server = new ServeProcess(Process.Start(start)!) { Port = port ?? 0 };
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (server.HasExited)
            {
                throw new InvalidOperationException($"serve exited with {server.ExitCode}: {server.Log}");
            }

            try
            {
                // Port 0 and then reading the port back: a port picked free beforehand can be taken by then.
                // A port the arguments name is another listener's (--admin-listen).
                if (server.Port == 0 && ListeningPort().Matches(server.Log).Select(m => m.Groups[1].Value)
                        .FirstOrDefault(p => !command.Any(a => a.EndsWith(":" + p, StringComparison.Ordinal))) is { } picked)
                {
                    server.Port = int.Parse(picked, System.Globalization.CultureInfo.InvariantCulture);
                }

                using var health = server.Port == 0 ? null : await http.GetAsync(new Uri(server.BaseAddress, "/healthz"));
                if (health is { IsSuccessStatusCode: true } && (!requireValidCredentials || (await health.Content.ReadAsStringAsync()).Contains("\"status\":\"ok\"", StringComparison.Ordinal)))
                {
                    return server;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Socket activation: the first request waits for the process to start.
            }

            if (DateTime.UtcNow > deadline)
            {
                await server.DisposeAsync();
                throw new TimeoutException("serve did not become healthy: " + server.Log);
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Sends <paramref name="signal"/> (<c>HUP</c>, <c>TERM</c>...) and returns without waiting for the process.</summary>
    public void Signal(string signal) =>
        Process.Start("kill", ["-" + signal, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();

    /// <summary>SIGTERM (as systemd and docker stop it) or another signal; returns the exit code.</summary>
    public async Task<int> TerminateAsync(string signal = "TERM")
    {
        if (!_process.HasExited)
        {
            Signal(signal);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await _process.WaitForExitAsync(timeout.Token);
        }

        return _process.ExitCode;
    }

    [GeneratedRegex(@"Listening on \W*http://127\.0\.0\.1:(\d+)\b")]
    private static partial Regex ListeningPort();

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
