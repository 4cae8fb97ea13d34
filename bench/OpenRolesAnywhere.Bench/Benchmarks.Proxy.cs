using System.Diagnostics;
using System.Globalization;
using System.Text;
using OpenRolesAnywhere.TestCommon;
using OpenRolesAnywhere.TestCommon.FakeRolesAnywhere;

namespace OpenRolesAnywhere.Bench;

/// <summary>
/// The signing proxy against a direct call to the same upstream, in one run: nginx answers 200 to anything
/// (so the upstream costs the same both ways and signs nothing), wrk measures requests/s directly and through
/// <c>openrolesanywhere proxy</c>, and 500 requests one after another give the median latency each way.
/// </summary>
internal static partial class Benchmarks
{
    public static async Task<int> ProxyAsync(string artifacts, int seconds)
    {
        var cli = Path.Combine(artifacts, "linux-x64", "openrolesanywhere");
        using var temp = new TempDirectory();
        using var pki = TestPki.Create("Bench");
        await using var rolesAnywhere = await FakeRolesAnywhereServer.StartAsync(pki.Root);
        var source = SourceFlags(temp, pki, rolesAnywhere);

        var nginxPort = FreePort();
        var nginxDirectory = temp.File("nginx");
        Directory.CreateDirectory(Path.Combine(nginxDirectory, "logs"));
        await File.WriteAllTextAsync(Path.Combine(nginxDirectory, "nginx.conf"), NginxUpstreamConfig(nginxPort));
        using var nginx = Start("nginx", ["-p", nginxDirectory, "-c", "nginx.conf", "-g", "daemon off;"], []);
        var proxyPort = FreePort();
        using var proxy = Start(cli, ["proxy", .. source, "--service", "sts", "--region", "us-east-1", "--upstream", $"http://127.0.0.1:{nginxPort}", "--listen", $"http://127.0.0.1:{proxyPort}"],
            new() { ["HOME"] = temp.Path, ["XDG_RUNTIME_DIR"] = temp.Path });
        await WaitForAsync(() => Accepts(nginxPort) && Accepts(proxyPort));

        var direct = $"http://127.0.0.1:{nginxPort}/";
        var proxied = $"http://127.0.0.1:{proxyPort}/";
        using var http = new HttpClient();
        // The first proxied request waits for CreateSession; every later one signs from the cache.
        (await http.GetAsync(new Uri(proxied))).EnsureSuccessStatusCode();
        List<double> directTimes = [], proxiedTimes = [];
        for (var i = 0; i < 500; i++)
        {
            directTimes.Add(await TimeRequestAsync(http, direct));
            proxiedTimes.Add(await TimeRequestAsync(http, proxied));
        }

        var directWrk = await WrkAsync(direct, "unused", seconds, 16);
        var proxiedWrk = await WrkAsync(proxied, "unused", seconds, 16);
        proxy.Kill();
        nginx.Kill(entireProcessTree: true);

        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"machine: {Environment.ProcessorCount} cores, load average {File.ReadAllText("/proc/loadavg")[..14]}");
        report.AppendLine(CultureInfo.InvariantCulture, $"signing proxy (GET, signed empty payload) vs direct to the same nginx upstream:");
        report.AppendLine(CultureInfo.InvariantCulture, $"  one at a time, median of 500: direct {Median(directTimes):0.00} ms, proxied {Median(proxiedTimes):0.00} ms, added {Median(proxiedTimes) - Median(directTimes):0.00} ms");
        report.AppendLine(CultureInfo.InvariantCulture, $"  wrk {seconds} s, 2 threads, 16 connections: direct {directWrk.RequestsPerSecond:0} req/s p99 {directWrk.P99}; proxied {proxiedWrk.RequestsPerSecond:0} req/s p99 {proxiedWrk.P99}");
        Console.Write(report);
        return rolesAnywhere.Calls == 1 ? 0 : 1;
    }

    /// <summary>A P-256 file key and a certificate from <paramref name="pki"/>, as flags naming the fake's ARNs and endpoint.</summary>
    private static string[] SourceFlags(TempDirectory temp, TestPki pki, FakeRolesAnywhereServer rolesAnywhere)
    {
        using var key = TestKeys.Create("p256");
        using var leaf = pki.Issue(TestKeys.PublicKeyOf(key));
        return
        [
            "--certificate", pki.WritePem(temp.File("workload.pem"), leaf), "--private-key", TestKeys.WritePkcs8(key, temp.File("workload.key")),
            "--trust-anchor-arn", FakeRolesAnywhereServer.TrustAnchorArn, "--profile-arn", FakeRolesAnywhereServer.ProfileArn,
            "--role-arn", FakeRolesAnywhereServer.RoleArn, "--endpoint", rolesAnywhere.Endpoint.ToString(),
        ];
    }

    private static async Task<double> TimeRequestAsync(HttpClient http, string url)
    {
        var watch = Stopwatch.StartNew();
        using var response = await http.GetAsync(new Uri(url));
        watch.Stop();
        return response.IsSuccessStatusCode ? watch.Elapsed.TotalMilliseconds : throw new InvalidOperationException($"{url} answered {response.StatusCode}");
    }

    private static string NginxUpstreamConfig(int port) => NginxConfig(port, "1", "location / { default_type text/plain; return 200 'ok'; }");
}
