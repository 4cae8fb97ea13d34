using System.Diagnostics;

namespace OpenRolesAnywhere.TestCommon.SshAgent;

/// <summary>A real <c>ssh-agent -D -a SOCKET</c>, killed on dispose.</summary>
public sealed class SshAgentProcess : IDisposable
{
    private readonly Process _process;
    private bool _disposed;

    private SshAgentProcess(Process process, string socketPath)
    {
        _process = process;
        SocketPath = socketPath;
    }

    public string SocketPath { get; }

    /// <summary>An environment where <c>SSH_AUTH_SOCK</c> names this agent and nothing else is set.</summary>
    public Func<string, string?> Environment => name => name == "SSH_AUTH_SOCK" ? SocketPath : null;

    /// <param name="socketPath">Where the agent listens.</param>
    /// <param name="launcher">A command that runs ssh-agent, such as <c>setpriv --reuid=...</c> for an agent of another
    /// user (OpenSSH's agent serves only its own uid and root).</param>
    public static SshAgentProcess Start(string socketPath, IReadOnlyList<string>? launcher = null)
    {
        var command = (launcher ?? []).Concat(["ssh-agent", "-D", "-a", socketPath]).ToList();
        var start = new ProcessStartInfo(command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in command.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Remove("DISPLAY"); // with no display and no askpass, confirmations (ssh-add -c) are refused
        start.Environment.Remove("SSH_ASKPASS");
        // ssh-agent binds (the socket file appears) before it listens: a client connecting in between is
        // refused. With -D it prints SSH_AUTH_SOCK= only once it listens, so that line is the readiness signal.
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = Process.Start(start) ?? throw new InvalidOperationException("ssh-agent did not start");
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data?.StartsWith("SSH_AUTH_SOCK=", StringComparison.Ordinal) == true)
            {
                listening.TrySetResult();
            }
        };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var agent = new SshAgentProcess(process, socketPath);
        var deadline = Stopwatch.StartNew();
        while (!listening.Task.Wait(TimeSpan.FromMilliseconds(50)))
        {
            if (process.HasExited || deadline.Elapsed > TimeSpan.FromSeconds(30))
            {
                agent.Dispose();
                throw new InvalidOperationException($"ssh-agent did not listen on {socketPath}");
            }
        }

        return agent;
    }

    public void Add(SshTestKey key) => SshTool.Run("ssh-add", SocketPath, "-q", key.PrivateKeyPath);

    /// <summary><c>ssh-add -c</c>: the agent asks for confirmation before each use; with no askpass program or display it refuses.</summary>
    public void AddWithConfirmation(SshTestKey key) => SshTool.Run("ssh-add", SocketPath, "-q", "-c", key.PrivateKeyPath);

    /// <summary><c>ssh-add -x</c>: locks the agent; it then lists no keys and signs nothing until unlocked.</summary>
    public void Lock(string password) => RunWithPassword(password, "-x");

    /// <summary><c>ssh-add -X</c>.</summary>
    public void Unlock(string password) => RunWithPassword(password, "-X");

    /// <summary><c>ssh-add -d</c>: the agent forgets the key.</summary>
    public void Remove(SshTestKey key) => SshTool.Run("ssh-add", SocketPath, "-q", "-d", key.PublicKeyPath);

    /// <summary>The fingerprints <c>ssh-add -l -E sha256</c> prints, in the agent's order.</summary>
    public IReadOnlyList<string> ListFingerprintsWithSshAdd() =>
        SshTool.Run("ssh-add", SocketPath, "-l", "-E", "sha256")
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' ')[1])
            .ToList();

    // ssh-add reads the lock password from a terminal or SSH_ASKPASS; tests have no terminal.
    private void RunWithPassword(string password, string flag)
    {
        var askpass = SocketPath + ".askpass";
        File.WriteAllText(askpass, $"#!/bin/sh\necho '{password}'\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(askpass, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        }

        try
        {
            SshTool.Run("ssh-add", SocketPath, new Dictionary<string, string?> { ["SSH_ASKPASS"] = askpass, ["SSH_ASKPASS_REQUIRE"] = "force" }, flag);
        }
        finally
        {
            File.Delete(askpass);
        }
    }

    /// <summary>Ends the agent as a crash would: the socket file stays behind, nobody listens on it.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }
    }

    /// <summary>Kills the agent and removes its socket; a second call does nothing.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Kill();
        _process.Dispose();
        File.Delete(SocketPath);
    }
}
