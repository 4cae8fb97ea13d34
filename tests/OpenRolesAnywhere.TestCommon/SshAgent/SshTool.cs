using System.Diagnostics;

namespace OpenRolesAnywhere.TestCommon.SshAgent;

/// <summary>Runs an OpenSSH tool against one agent only: the developer's own agent is never reachable from tests.</summary>
internal static class SshTool
{
    public static ProcessStartInfo StartInfo(string tool, string? socketPath, params string[] arguments)
    {
        var info = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var name in new[] { "SSH_AUTH_SOCK", "SSH_AGENT_PID", "SSH_ASKPASS", "SSH_ASKPASS_REQUIRE", "DISPLAY" })
        {
            info.Environment.Remove(name);
        }

        if (socketPath is not null)
        {
            info.Environment["SSH_AUTH_SOCK"] = socketPath;
        }

        return info;
    }

    /// <summary>Runs the tool to its end and returns its output; a failure throws with its error output.</summary>
    public static string Run(string tool, string? socketPath, params string[] arguments) =>
        Run(StartInfo(tool, socketPath, arguments));

    public static string Run(ProcessStartInfo info)
    {
        var tool = info.FileName;
        var arguments = info.ArgumentList;
        using var process = Process.Start(info)
            ?? throw new InvalidOperationException($"{tool} did not start");
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{tool} {string.Join(' ', arguments)} did not finish within 60 s");
        }

        return process.ExitCode == 0
            ? output.GetAwaiter().GetResult()
            : throw new InvalidOperationException($"{tool} {string.Join(' ', arguments)} failed ({process.ExitCode}): {error.GetAwaiter().GetResult()}{output.GetAwaiter().GetResult()}");
    }
}
