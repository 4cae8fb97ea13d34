namespace OpenRolesAnywhere.TestCommon;

/// <summary>
/// The CLI as tests start it as a process: the Native AOT executable users install, so an AOT-only break fails
/// here. <c>OPENROLESANYWHERE_CLI</c> names an executable already published (CI publishes it once before the
/// tests), or is <c>jit</c> for a developer's quick run of the built dll; unset, the first test to need it
/// publishes the executable once for the whole run.
/// </summary>
public static class CliExecutable
{
    private const string Variable = "OPENROLESANYWHERE_CLI";
    private static readonly Lazy<string[]> Resolved = new(Resolve);

    /// <summary>
    /// The command line ([executable] or [dotnet, openrolesanywhere.dll]) with <paramref name="arguments"/> after it,
    /// for a process start or a credential_process setting.
    /// </summary>
    public static IEnumerable<string> CommandLine(IEnumerable<string> arguments) => Resolved.Value.Concat(arguments);

    public static Task<ProcessRunner.Result> RunAsync(IEnumerable<string> arguments, IDictionary<string, string?>? environment = null, TimeSpan? timeout = null) =>
        ProcessRunner.RunAsync(Resolved.Value[0], [.. Resolved.Value.Skip(1), .. arguments], environment, timeout);

    private static readonly Lazy<string> Native = new(ResolveNative);

    /// <summary>
    /// The native executable, whatever <c>OPENROLESANYWHERE_CLI</c> says for the other tests (the container image
    /// needs it even in a quick JIT run): the one named there, else the one published into artifacts/linux-x64.
    /// </summary>
    public static string NativeExecutable() => Native.Value;

    private static string[] Resolve() => Environment.GetEnvironmentVariable(Variable) == "jit" ? ["dotnet", BuiltAssembly()] : [Native.Value];

    private static string ResolveNative() => Environment.GetEnvironmentVariable(Variable) switch
    {
        { Length: > 0 } path when path != "jit" => File.Exists(path) ? Path.GetFullPath(path) : throw new FileNotFoundException($"{Variable} names no file.", path),
        _ => Publish(),
    };

    /// <summary>The dll built beside a test project that references the CLI (its runtimeconfig and deps come along).</summary>
    private static string BuiltAssembly()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "openrolesanywhere.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("The test project must reference OpenRolesAnywhere.Cli.", path);
    }

    /// <summary>The README's publish command, into artifacts/linux-x64 where docker/Dockerfile takes it (incremental).</summary>
    private static string Publish()
    {
        var root = ProcessRunner.RepositoryRoot();
        var output = Path.Combine(root, "artifacts", "linux-x64");
        var result = ProcessRunner.RunAsync("dotnet",
                ["publish", Path.Combine(root, "src", "OpenRolesAnywhere.Cli"), "-c", "Release", "-r", "linux-x64", "-o", output, "-nologo"],
                timeout: TimeSpan.FromMinutes(30), workingDirectory: root)
            .GetAwaiter().GetResult();
        return result.ExitCode == 0
            ? Path.Combine(output, "openrolesanywhere")
            : throw new InvalidOperationException($"Publishing the native CLI failed ({result.ExitCode}): {result.Output}{result.Error}");
    }
}
