using System.Globalization;
using OpenRolesAnywhere.Bench;

// bench/run.sh passes the artifacts folder (linux-x64/, bench-jit/, bench-hello/, bench-kestrel/), then the wrk
// duration in seconds, or `credential-process` (only that benchmark) and optionally a baseline CLI folder, or
// `proxy` (only the signing proxy against a direct call) and optionally the wrk duration, or `serve` (only the
// cache-hit comparison with bare Kestrel) and optionally the wrk duration, the rounds and a baseline CLI folder.
return args.Length > 1 && args[1] == "serve"
    ? await Benchmarks.ServeAsync(args[0], args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 10,
        args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 3, args.Length > 4 ? args[4] : null)
    : args.Length > 1 && args[1] == "proxy"
    ? await Benchmarks.ProxyAsync(args[0], args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 10)
    : args.Length > 1 && args[1] == "credential-process"
    ? await Benchmarks.RunAsync(args[0], 0, onlyCredentialProcess: true, baselineDirectory: args.Length > 2 ? args[2] : null)
    : await Benchmarks.RunAsync(args[0], args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10);
