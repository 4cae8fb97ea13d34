using OpenRolesAnywhere.Bench;

// bench/run.sh passes the built CLI's folder and the wrk duration in seconds.
return await Benchmarks.RunAsync(args[0], args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 10);
