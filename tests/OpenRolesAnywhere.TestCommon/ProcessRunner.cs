using System.Diagnostics;

namespace OpenRolesAnywhere.TestCommon;

/// <summary>Runs a real program (ssh-keygen, python3, aws, our CLI) with a bounded wait.</summary>
public static class ProcessRunner
{
    public sealed record Result(int ExitCode, string Output, string Error);

    public static async Task<Result> RunAsync(string fileName, IEnumerable<string> arguments,
        IDictionary<string, string?>? environment = null, TimeSpan? timeout = null, string? workingDirectory = null, string? standardInput = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        if (standardInput is not null)
        {
            await process.StandardInput.WriteAsync(standardInput);
        }

        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cancellation = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', arguments)} did not finish in time; stderr: {await error}");
        }

        return new Result(process.ExitCode, await output, await error);
    }

    /// <summary>The folder holding OpenRolesAnywhere.sln, found from the test's own output folder.</summary>
    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "OpenRolesAnywhere.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("OpenRolesAnywhere.sln not found above " + AppContext.BaseDirectory);
    }
}
