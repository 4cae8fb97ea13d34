using System.Globalization;
using System.Text;
using OpenRolesAnywhere.TestCommon;
using OpenRolesAnywhere.TestCommon.FakeRolesAnywhere;

namespace OpenRolesAnywhere.Bench;

/// <summary>
/// Only the cache-hit comparison, for iterating on the hot path: serve and the bare Kestrel app (and, if given, another
/// build's serve) answer the same bytes; wrk runs against each in turn for several rounds, so a busy machine slows all
/// of them alike, and the medians of requests/s and of server CPU per request are compared.
/// </summary>
internal static partial class Benchmarks
{
    public static async Task<int> ServeAsync(string artifacts, int seconds, int rounds, string? baselineDirectory)
    {
        using var temp = new TempDirectory();
        using var pki = TestPki.Create("Bench");
        await using var upstream = await FakeRolesAnywhereServer.StartAsync(pki.Root);
        var source = SourceFlags(temp, pki, upstream);
        List<(string Name, System.Diagnostics.Process Process, string Url, string Token)> servers = [];
        servers.Add(await StartServeAsync("serve", Path.Combine(artifacts, "linux-x64"), source, temp));
        if (baselineDirectory is not null)
        {
            servers.Add(await StartServeAsync("baseline serve", baselineDirectory, source, temp));
        }

        var (_, _, url, token) = servers[0];
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.TryAddWithoutValidation("Authorization", token);
        using var response = await http.SendAsync(request);
        var bodyFile = temp.File("body.json");
        await File.WriteAllTextAsync(bodyFile, await response.Content.ReadAsStringAsync());
        var tokenFile = temp.File("kestrel.token");
        await File.WriteAllTextAsync(tokenFile, token);
        var kestrelPort = FreePort();
        using var kestrel = Start(Path.Combine(artifacts, "bench-kestrel", "BareKestrel"), [$"http://127.0.0.1:{kestrelPort}", bodyFile, tokenFile], []);
        await WaitForAsync(() => Accepts(kestrelPort));
        servers.Insert(0, ("bare Kestrel", kestrel, $"http://127.0.0.1:{kestrelPort}/v1/credentials", token));

        var results = servers.Select(_ => new List<(double RequestsPerSecond, string P99, double CpuMicroseconds)>()).ToList();
        var report = new StringBuilder();
        for (var round = 0; round < rounds; round++)
        {
            for (var i = 0; i < servers.Count; i++)
            {
                results[i].Add(await WrkAsync(servers[i].Url, servers[i].Token, seconds, 64, servers[i].Process.Id));
            }

            var line = string.Join("; ", servers.Select((s, i) => string.Create(CultureInfo.InvariantCulture,
                $"{s.Name} {results[i][round].RequestsPerSecond:0} req/s {results[i][round].CpuMicroseconds:0.0} us p99 {results[i][round].P99}")));
            report.AppendLine(CultureInfo.InvariantCulture, $"round {round + 1}: {line}");
        }

        foreach (var server in servers)
        {
            server.Process.Kill();
        }

        var kestrelRps = Median(results[0].Select(r => r.RequestsPerSecond).ToList());
        var kestrelCpu = Median(results[0].Select(r => r.CpuMicroseconds).ToList());
        report.AppendLine(CultureInfo.InvariantCulture, $"machine: {Environment.ProcessorCount} cores, load average {File.ReadAllText("/proc/loadavg")[..14]}; wrk {seconds} s x {rounds} rounds, 2 threads, 64 connections; medians:");
        for (var i = 0; i < servers.Count; i++)
        {
            var rps = Median(results[i].Select(r => r.RequestsPerSecond).ToList());
            var cpu = Median(results[i].Select(r => r.CpuMicroseconds).ToList());
            report.AppendLine(CultureInfo.InvariantCulture, $"  {servers[i].Name}: {rps:0} req/s ({rps / kestrelRps:0.00}x Kestrel), server CPU {cpu:0.0} us per request (Kestrel/this {kestrelCpu / cpu:0.00})");
        }

        Console.Write(report);
        return upstream.Calls == servers.Count - 1 ? 0 : 1;
    }

    /// <summary>A serve of <paramref name="cliDirectory"/>'s build with its own runtime folder and port, answering from a warm cache.</summary>
    private static async Task<(string, System.Diagnostics.Process, string, string)> StartServeAsync(string name, string cliDirectory, string[] source, TempDirectory temp)
    {
        var runtime = temp.File("run-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(runtime);
        var port = FreePort();
        var serve = Start(Path.Combine(cliDirectory, "openrolesanywhere"), ["serve", .. source, "--listen", $"http://127.0.0.1:{port}"],
            new() { ["XDG_RUNTIME_DIR"] = runtime, ["HOME"] = temp.Path });
        var tokenFile = Path.Combine(runtime, "openrolesanywhere", "server.token");
        await WaitForAsync(() => File.Exists(tokenFile) && Accepts(port));
        return (name, serve, $"http://127.0.0.1:{port}/v1/credentials", await File.ReadAllTextAsync(tokenFile));
    }
}
