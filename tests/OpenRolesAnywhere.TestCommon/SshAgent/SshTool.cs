namespace OpenRolesAnywhere.TestCommon.SshAgent;

/// <summary>Runs an OpenSSH tool against one agent only: the developer's own agent is never reachable from tests.</summary>
internal static class SshTool
{
    /// <summary>Runs the tool to its end and returns its output; a failure throws with its error output.</summary>
    /// <param name="socketPath">The agent <c>ssh-add</c> talks to; none for tools that need no agent.</param>
    public static string Run(string tool, string? socketPath, IDictionary<string, string?>? environment, params string[] arguments)
    {
        var variables = new Dictionary<string, string?> { ["SSH_AUTH_SOCK"] = socketPath ?? "", ["SSH_AGENT_PID"] = "", ["SSH_ASKPASS"] = "", ["DISPLAY"] = "" };
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            variables[name] = value;
        }

        var result = ProcessRunner.RunAsync(tool, arguments, variables).GetAwaiter().GetResult();
        return result.ExitCode == 0
            ? result.Output
            : throw new InvalidOperationException($"{tool} {string.Join(' ', arguments)} failed ({result.ExitCode}): {result.Error}{result.Output}");
    }

    public static string Run(string tool, string? socketPath, params string[] arguments) => Run(tool, socketPath, null, arguments);
}
