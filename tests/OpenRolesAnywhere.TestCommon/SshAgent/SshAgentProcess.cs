using System.Diagnostics;

namespace OpenRolesAnywhere.TestCommon.SshAgent;

/// <summary>A real <c>ssh-agent -D -a SOCKET</c>, killed on dispose.</summary>
public sealed class SshAgentProcess : IDisposable
{
    private readonly Process _process;

    private SshAgentProcess(Process process, string socketPath)
    {
        _process = process;
        SocketPath = socketPath;
    }

    public string SocketPath { get; }

    /// <summary>An environment where <c>SSH_AUTH_SOCK</c> names this agent and nothing else is set.</summary>
    public Func<string, string?> Environment => name => name == "SSH_AUTH_SOCK" ? SocketPath : null;

    public static SshAgentProcess Start(string socketPath)
    {
        var process = Process.Start(SshTool.StartInfo("ssh-agent", null, "-D", "-a", socketPath))
            ?? throw new InvalidOperationException("ssh-agent did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var agent = new SshAgentProcess(process, socketPath);
        var deadline = Stopwatch.StartNew();
        while (!File.Exists(socketPath))
        {
            if (process.HasExited || deadline.Elapsed > TimeSpan.FromSeconds(10))
            {
                agent.Dispose();
                throw new InvalidOperationException($"ssh-agent did not create {socketPath}");
            }

            Thread.Sleep(20);
        }

        return agent;
    }

    public void Add(SshTestKey key) => SshTool.Run("ssh-add", SocketPath, "-q", key.PrivateKeyPath);

    /// <summary><c>ssh-add -d</c>: the agent forgets the key.</summary>
    public void Remove(SshTestKey key) => SshTool.Run("ssh-add", SocketPath, "-q", "-d", key.PublicKeyPath);

    /// <summary>The fingerprints <c>ssh-add -l -E sha256</c> prints, in the agent's order.</summary>
    public IReadOnlyList<string> ListFingerprintsWithSshAdd() =>
        SshTool.Run("ssh-add", SocketPath, "-l", "-E", "sha256")
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' ')[1])
            .ToList();

    /// <summary>Ends the agent as a crash would: the socket file stays behind, nobody listens on it.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
        File.Delete(SocketPath);
    }
}
