using OpenRolesAnywhere.TestCommon;

namespace OpenRolesAnywhere.Container.Tests;

/// <summary>
/// Rootful podman with a containers.conf of the tests' own (pointed at by CONTAINERS_CONF, nothing changed in
/// /etc): runc and limits at or below the machine's, without which containers fail to start on these
/// machines (crun's setrlimit RLIMIT_NOFILE is refused).
/// </summary>
internal sealed class Podman
{
    private readonly Dictionary<string, string?> _environment;

    public Podman(string directory)
    {
        Directory.CreateDirectory(directory);
        ConfigFile = Path.Combine(directory, "containers.conf");
        File.WriteAllText(ConfigFile, """
            [containers]
            default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
            [engine]
            runtime = "runc"
            """);
        _environment = new() { ["CONTAINERS_CONF"] = ConfigFile };
    }

    public string ConfigFile { get; }

    public Task<ProcessRunner.Result> RunAsync(IEnumerable<string> arguments, TimeSpan? timeout = null) =>
        ProcessRunner.RunAsync("podman", arguments, _environment, timeout ?? TimeSpan.FromMinutes(2));

    /// <summary>Runs podman and returns its standard output; a failure fails the test with podman's own message.</summary>
    public async Task<string> RequireAsync(IEnumerable<string> arguments, TimeSpan? timeout = null)
    {
        var list = arguments.ToList();
        var result = await RunAsync(list, timeout);
        Assert.True(result.ExitCode == 0, $"podman {string.Join(' ', list)} exited {result.ExitCode}: {result.Error}{result.Output}");
        return result.Output.Trim();
    }
}
