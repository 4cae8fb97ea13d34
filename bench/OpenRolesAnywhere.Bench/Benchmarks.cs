using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using OpenRolesAnywhere.TestCommon;
using OpenRolesAnywhere.TestCommon.FakeRolesAnywhere;

namespace OpenRolesAnywhere.Bench;

/// <summary>
/// The issues' benchmarks, side by side in one run of the native executable: a cold burst of 200 clients
/// (CreateSession count), wrk on a cache hit against serve, a bare Kestrel app and nginx answering the same bytes
/// behind the same header check, credential-process wall time through a running server (native, JIT, the
/// `--version` floor and a Native AOT hello world), serve's start to its first answer, and its resident memory.
/// </summary>
internal static partial class Benchmarks
{
    /// <param name="baselineDirectory">
    /// With <paramref name="onlyCredentialProcess"/>: another build of the CLI whose credential-process runs
    /// interleaved with this one's against the same server, so a change is compared under the same load.
    /// </param>
    public static async Task<int> RunAsync(string artifacts, int seconds, bool onlyCredentialProcess = false, string? baselineDirectory = null)
    {
        var cliDirectory = Path.Combine(artifacts, "linux-x64");
        using var temp = new TempDirectory();
        using var pki = TestPki.Create("Bench");
        await using var upstream = await FakeRolesAnywhereServer.StartAsync(pki.Root);
        // The first CreateSession takes 500 ms, so the burst below arrives while it is in flight.
        upstream.Intercept(async _ =>
        {
            await Task.Delay(500);
            return false;
        });

        var source = SourceFlags(temp, pki, upstream);
        var runtime = temp.File("run");
        Directory.CreateDirectory(runtime);
        var environment = new Dictionary<string, string?> { ["XDG_RUNTIME_DIR"] = runtime, ["HOME"] = temp.Path };
        var cli = Path.Combine(cliDirectory, "openrolesanywhere");
        var port = FreePort();
        using var serve = Start(cli, ["serve", .. source, "--listen", $"http://127.0.0.1:{port}"], environment);
        var tokenFile = Path.Combine(runtime, "openrolesanywhere", "server.token");
        await WaitForAsync(() => File.Exists(tokenFile) && Accepts(port));
        var token = await File.ReadAllTextAsync(tokenFile);
        var url = $"http://127.0.0.1:{port}/v1/credentials";
        if (Environment.GetEnvironmentVariable("BENCH_SERVE_ONLY") is not null)
        {
            Console.WriteLine($"{url} {token}");
            await Task.Delay(Timeout.Infinite);
        }

        if (onlyCredentialProcess)
        {
            // The baseline CLI talks to its own serve: the socket's wire may differ between builds.
            var baselineRuntime = temp.File("baseline-run");
            Directory.CreateDirectory(baselineRuntime);
            var baselineEnvironment = new Dictionary<string, string?> { ["XDG_RUNTIME_DIR"] = baselineRuntime, ["HOME"] = temp.Path };
            var baseline = baselineDirectory is null ? null : Path.Combine(baselineDirectory, "openrolesanywhere");
            using var baselineServe = baseline is null ? null : Start(baseline, ["serve", .. source, "--listen", $"http://127.0.0.1:{FreePort()}"], baselineEnvironment);
            await WaitForAsync(() => baseline is null || File.Exists(Path.Combine(baselineRuntime, "openrolesanywhere", "server.sock")));
            var exit = await CredentialProcessAsync(cli, environment, baseline, baselineEnvironment, source, upstream);
            baselineServe?.Kill();
            serve.Kill();
            return exit;
        }

        // 1. Cold burst.
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 200 };
        using var http = new HttpClient(handler);
        var burst = Stopwatch.StartNew();
        var statuses = await Task.WhenAll(Enumerable.Range(0, 200).Select(async _ =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.TryAddWithoutValidation("Authorization", token);
            using var response = await http.SendAsync(request);
            return response.StatusCode;
        }));
        burst.Stop();
        var burstOk = statuses.Count(s => s == HttpStatusCode.OK);
        var burstCalls = upstream.Calls;

        await Task.Delay(2000);
        var idleRss = RssKiB(serve.Id);

        // 2. Throughput on a cache hit: serve, then a bare Kestrel app and nginx with the same body and check.
        using var bodyRequest = new HttpRequestMessage(HttpMethod.Get, url);
        bodyRequest.Headers.TryAddWithoutValidation("Authorization", token);
        using var bodyResponse = await http.SendAsync(bodyRequest);
        var body = await bodyResponse.Content.ReadAsStringAsync();
        var serveWrk = await WrkAsync(url, token, seconds, 64, serve.Id);
        var serveLight = await WrkAsync(url, token, seconds, 10);
        var loadedRss = RssKiB(serve.Id, "VmHWM");
        var afterRss = RssKiB(serve.Id);

        var kestrelPort = FreePort();
        var bodyFile = temp.File("body.json");
        await File.WriteAllTextAsync(bodyFile, body);
        using var kestrel = Start(Path.Combine(artifacts, "bench-kestrel", "BareKestrel"), [$"http://127.0.0.1:{kestrelPort}", bodyFile, tokenFile], []);
        await WaitForAsync(() => Accepts(kestrelPort));
        var kestrelWrk = await WrkAsync($"http://127.0.0.1:{kestrelPort}/v1/credentials", token, seconds, 64, kestrel.Id);
        kestrel.Kill();

        var nginxPort = FreePort();
        var nginxDirectory = temp.File("nginx");
        Directory.CreateDirectory(Path.Combine(nginxDirectory, "logs"));
        await File.WriteAllTextAsync(Path.Combine(nginxDirectory, "nginx.conf"), NginxCredentialsConfig(nginxPort, token, body));
        using var nginx = Start("nginx", ["-p", nginxDirectory, "-c", "nginx.conf", "-g", "daemon off;"], new Dictionary<string, string?>());
        await WaitForAsync(() => Accepts(nginxPort));
        var nginxWrk = await WrkAsync($"http://127.0.0.1:{nginxPort}/v1/credentials", token, seconds, 64);
        var nginxLight = await WrkAsync($"http://127.0.0.1:{nginxPort}/v1/credentials", token, seconds, 10);
        nginx.Kill(entireProcessTree: true); // its workers too

        // 3. credential-process answered by the running server, native and JIT, against the start-up floors; in
        // turn, so a busy machine slows all of them alike.
        var jit = Path.Combine(artifacts, "bench-jit", "openrolesanywhere");
        var hello = Path.Combine(artifacts, "bench-hello", "HelloWorld");
        // The same sources linked without PIE and without dehydrated data (not shipped: see README, Benchmarks).
        var nonPie = Path.Combine(artifacts, "bench-nonpie", "openrolesanywhere");
        var callsBefore = upstream.Calls;
        List<double> processTimes = [], jitTimes = [], floorTimes = [], helloTimes = [], nonPieTimes = [], nonPieFloorTimes = [];
        for (var i = 0; i < 21; i++)
        {
            processTimes.Add(await TimeAsync(cli, ["credential-process", .. source], environment));
            jitTimes.Add(await TimeAsync(jit, ["credential-process", .. source], environment));
            floorTimes.Add(await TimeAsync(cli, ["--version"], environment));
            helloTimes.Add(await TimeAsync(hello, [], environment));
            nonPieTimes.Add(await TimeAsync(nonPie, ["credential-process", .. source], environment));
            nonPieFloorTimes.Add(await TimeAsync(nonPie, ["--version"], environment));
        }

        var processCalls = upstream.Calls - callsBefore;
        serve.Kill();

        // 4. serve from start to its first answered /healthz, native and JIT.
        List<double> startNative = [], startJit = [];
        for (var i = 0; i < 7; i++)
        {
            startNative.Add(await StartToFirstAnswerAsync(cli, source, temp));
            startJit.Add(await StartToFirstAnswerAsync(jit, source, temp));
        }

        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"cold burst: 200 concurrent clients -> {burstOk} answered 200, {burstCalls} CreateSession call(s), {burst.ElapsedMilliseconds} ms for all");
        report.AppendLine(CultureInfo.InvariantCulture, $"machine: {Environment.ProcessorCount} cores, load average {File.ReadAllText("/proc/loadavg")[..14]}; native executable {new FileInfo(cli).Length / 1e6:0.0} MB");
        report.AppendLine(CultureInfo.InvariantCulture, $"wrk GET /v1/credentials (cache hit, {seconds} s, 2 threads, 64 connections):");
        report.AppendLine(CultureInfo.InvariantCulture, $"  serve: {serveWrk.RequestsPerSecond:0} req/s, p99 {serveWrk.P99}");
        report.AppendLine(CultureInfo.InvariantCulture, $"  bare Kestrel: {kestrelWrk.RequestsPerSecond:0} req/s, p99 {kestrelWrk.P99}; nginx: {nginxWrk.RequestsPerSecond:0} req/s, p99 {nginxWrk.P99}  (same bytes behind the same Authorization check)");
        report.AppendLine(CultureInfo.InvariantCulture, $"  ratio serve/Kestrel: {serveWrk.RequestsPerSecond / kestrelWrk.RequestsPerSecond:0.00}; serve/nginx: {serveWrk.RequestsPerSecond / nginxWrk.RequestsPerSecond:0.00}");
        report.AppendLine(CultureInfo.InvariantCulture, $"  server CPU per request (steadier than req/s on a busy machine): serve {serveWrk.CpuMicroseconds:0.0} us, bare Kestrel {kestrelWrk.CpuMicroseconds:0.0} us; Kestrel/serve {kestrelWrk.CpuMicroseconds / serveWrk.CpuMicroseconds:0.00}");
        report.AppendLine(CultureInfo.InvariantCulture, $"  at 10 connections: serve {serveLight.RequestsPerSecond:0} req/s p99 {serveLight.P99}; nginx {nginxLight.RequestsPerSecond:0} req/s p99 {nginxLight.P99}");
        report.AppendLine(CultureInfo.InvariantCulture, $"credential-process via the running server: native median {Median(processTimes):0.0} ms wall, JIT {Median(jitTimes):0.0} ms ({processCalls} CreateSession calls in {processTimes.Count + jitTimes.Count} runs)");
        report.AppendLine(CultureInfo.InvariantCulture, $"  floors: native `--version` {Median(floorTimes):0.0} ms, Native AOT hello world {Median(helloTimes):0.0} ms; credential-process / --version {Median(processTimes) / Median(floorTimes):0.00}, / hello {Median(processTimes) / Median(helloTimes):0.00}");
        report.AppendLine(CultureInfo.InvariantCulture, $"  non-PIE build (not shipped): credential-process {Median(nonPieTimes):0.0} ms, `--version` {Median(nonPieFloorTimes):0.0} ms; executable {new FileInfo(nonPie).Length / 1e6:0.0} MB");
        report.AppendLine(CultureInfo.InvariantCulture, $"serve start to first answered /healthz: native median {Median(startNative):0} ms, JIT {Median(startJit):0} ms");
        report.AppendLine(CultureInfo.InvariantCulture, $"serve resident memory: idle {idleRss / 1024.0:0.0} MiB, peak under wrk {loadedRss / 1024.0:0.0} MiB, after wrk {afterRss / 1024.0:0.0} MiB");
        Console.Write(report);
        return burstCalls == 1 && burstOk == 200 && processCalls == 0 ? 0 : 1;
    }

    /// <summary>
    /// Only the credential-process benchmark: 41 rounds, each running this CLI, the baseline one if given,
    /// and <c>--version</c> (the start-up floor) in turn, so a busy machine slows all of them alike.
    /// </summary>
    private static async Task<int> CredentialProcessAsync(string cli, Dictionary<string, string?> environment,
        string? baseline, Dictionary<string, string?> baselineEnvironment, string[] source, FakeRolesAnywhereServer upstream)
    {
        // One warm-up each: the first run pays for reading the files from disk.
        await TimeAsync(cli, ["credential-process", .. source], environment);
        if (baseline is not null)
        {
            await TimeAsync(baseline, ["credential-process", .. source], baselineEnvironment);
        }

        var callsBefore = upstream.Calls;
        List<double> current = [], previous = [], floor = [];
        for (var i = 0; i < 41; i++)
        {
            current.Add(await TimeAsync(cli, ["credential-process", .. source], environment));
            if (baseline is not null)
            {
                previous.Add(await TimeAsync(baseline, ["credential-process", .. source], baselineEnvironment));
            }

            floor.Add(await TimeAsync(cli, ["--version"], environment));
        }

        var calls = upstream.Calls - callsBefore;
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"credential-process via the running server: median {Median(current):0} ms wall, p10 {Percentile(current, 10):0}, p90 {Percentile(current, 90):0} ({calls} CreateSession calls in {current.Count + previous.Count} runs)");
        if (baseline is not null)
        {
            report.AppendLine(CultureInfo.InvariantCulture, $"  baseline {baseline}: median {Median(previous):0} ms wall, p10 {Percentile(previous, 10):0}, p90 {Percentile(previous, 90):0}; ratio {Median(current) / Median(previous):0.00}");
        }

        report.AppendLine(CultureInfo.InvariantCulture, $"  floor, `openrolesanywhere --version`: median {Median(floor):0} ms wall, p10 {Percentile(floor, 10):0}");
        Console.Write(report);
        return calls == 0 ? 0 : 1;
    }

    /// <summary>A serve of its own (own runtime folder and port): milliseconds from start to the first /healthz answer.</summary>
    private static async Task<double> StartToFirstAnswerAsync(string cli, string[] source, TempDirectory temp)
    {
        var runtime = temp.File("start-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(runtime);
        var port = FreePort();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };
        var watch = Stopwatch.StartNew();
        using var serve = Start(cli, ["serve", .. source, "--listen", $"http://127.0.0.1:{port}"], new() { ["XDG_RUNTIME_DIR"] = runtime, ["HOME"] = temp.Path });
        while (watch.Elapsed < TimeSpan.FromSeconds(30))
        {
            try
            {
                using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{port}/healthz"));
                watch.Stop();
                serve.Kill();
                return watch.Elapsed.TotalMilliseconds;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(2);
            }
        }

        serve.Kill();
        throw new TimeoutException(cli + " serve never answered /healthz");
    }

    private static double Percentile(List<double> values, int percent) => values.Order().ElementAt(values.Count * percent / 100);

    private static string NginxCredentialsConfig(int port, string token, string body) => NginxConfig(port, "auto", $$"""
        location = /v1/credentials {
                    if ($http_authorization != "{{token}}") { return 403; }
                    default_type application/json;
                    return 200 '{{body}}';
                }
        """);

    /// <summary>nginx on <paramref name="port"/> with one server block holding <paramref name="locations"/>.</summary>
    private static string NginxConfig(int port, string workers, string locations) => $$"""
        worker_processes {{workers}};
        error_log logs/error.log;
        pid logs/nginx.pid;
        events { worker_connections 1024; }
        http {
            access_log off;
            server {
                listen 127.0.0.1:{{port}};
                {{locations}}
            }
        }
        """;

    /// <param name="server">With a process id: also that process's CPU time (user and system) per request answered.</param>
    private static async Task<(double RequestsPerSecond, string P99, double CpuMicroseconds)> WrkAsync(string url, string token, int seconds, int connections, int? server = null)
    {
        var cpuBefore = server is { } before ? CpuTicks(before) : 0;
        var result = await ProcessRunner.RunAsync("wrk", ["-t2", $"-c{connections}", $"-d{seconds}s", "--latency", "-H", $"Authorization: {token}", url], timeout: TimeSpan.FromSeconds(seconds + 30));
        var cpu = server is { } after ? CpuTicks(after) - cpuBefore : 0;
        var rps = RequestsPerSecond().Match(result.Output);
        var p99 = P99().Match(result.Output);
        var count = RequestCount().Match(result.Output);
        if (!rps.Success || !p99.Success || !count.Success || result.Output.Contains("Non-2xx", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("wrk failed or saw errors: " + result.Output + result.Error);
        }

        // Clock ticks are 10 ms on Linux (USER_HZ 100).
        var cpuMicroseconds = cpu * 10_000.0 / long.Parse(count.Groups[1].Value, CultureInfo.InvariantCulture);
        return (double.Parse(rps.Groups[1].Value, CultureInfo.InvariantCulture), p99.Groups[1].Value, cpuMicroseconds);
    }

    /// <summary>utime + stime of a process, from /proc/PID/stat (fields 14 and 15; the name in parentheses may hold spaces).</summary>
    private static long CpuTicks(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }

    private static async Task<double> TimeAsync(string file, string[] arguments, Dictionary<string, string?> environment)
    {
        var watch = Stopwatch.StartNew();
        var result = await ProcessRunner.RunAsync(file, arguments, environment);
        watch.Stop();
        return result.ExitCode == 0 ? watch.Elapsed.TotalMilliseconds : throw new InvalidOperationException(result.Error);
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    private static Process Start(string file, IEnumerable<string> arguments, Dictionary<string, string?> environment)
    {
        var start = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start)!;
        process.ErrorDataReceived += (_, _) => { };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        return process;
    }

    private static long RssKiB(int pid, string field = "VmRSS") =>
        File.ReadLines($"/proc/{pid}/status").Where(l => l.StartsWith(field + ":", StringComparison.Ordinal))
            .Select(l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture)).Single();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static bool Accepts(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        for (var i = 0; i < 600 && !condition(); i++)
        {
            await Task.Delay(10);
        }
    }

    [GeneratedRegex(@"(\d+) requests in ")]
    private static partial Regex RequestCount();

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex RequestsPerSecond();

    // The latency distribution line ("    99%    3.04ms"), not a stdev column ending in "99%".
    [GeneratedRegex(@"^\s+99%\s+(\S+)", RegexOptions.Multiline)]
    private static partial Regex P99();
}
