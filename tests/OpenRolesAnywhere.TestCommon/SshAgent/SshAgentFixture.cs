namespace OpenRolesAnywhere.TestCommon.SshAgent;

/// <summary>
/// A real ssh-agent in a temporary directory holding freshly generated keys: the usable RSA 2048, RSA 3072
/// and ECDSA P-256, and the refused RSA 1024, ECDSA P-384 and Ed25519. Use it as an xunit class or
/// collection fixture so keys are generated and the agent started once per class. Tests that break an
/// agent (kill it, remove keys) use <see cref="StartAgent"/> for one of their own.
/// </summary>
public sealed class SshAgentFixture : IDisposable
{
    private readonly TempDirectory _directory = new("ora-ssh-");
    private readonly List<SshAgentProcess> _agents = [];

    public SshAgentFixture()
    {
        // ssh-keygen takes a moment per RSA key: make them side by side.
        var keys = new (string Type, int Bits)[] { ("rsa", 2048), ("rsa", 3072), ("ecdsa", 256), ("rsa", 1024), ("ecdsa", 384), ("ed25519", 256) }
            .AsParallel().AsOrdered()
            .Select(k => SshTestKey.Generate(_directory.Path, k.Type, k.Bits))
            .ToArray();
        (Rsa2048, Rsa3072, EcdsaP256, Rsa1024, EcdsaP384, Ed25519) = (keys[0], keys[1], keys[2], keys[3], keys[4], keys[5]);
        AllKeys = keys;
        Agent = StartAgent(keys);
    }

    public SshTestKey Rsa2048 { get; }

    public SshTestKey Rsa3072 { get; }

    public SshTestKey EcdsaP256 { get; }

    /// <summary>Refused: RSA below 2048 bits.</summary>
    public SshTestKey Rsa1024 { get; }

    /// <summary>Refused for sessions (the agent signs P-384 over SHA-384, CreateSession takes SHA-256); usable as a CA's key.</summary>
    public SshTestKey EcdsaP384 { get; }

    /// <summary>Refused: Roles Anywhere takes no Ed25519.</summary>
    public SshTestKey Ed25519 { get; }

    public IReadOnlyList<SshTestKey> AllKeys { get; }

    /// <summary>The shared agent, holding <see cref="AllKeys"/>. Do not break it; start another for that.</summary>
    public SshAgentProcess Agent { get; }

    public string SocketPath => Agent.SocketPath;

    /// <summary>An environment where <c>SSH_AUTH_SOCK</c> names the shared agent.</summary>
    public Func<string, string?> Environment => Agent.Environment;

    /// <summary>Another agent in the fixture's directory, holding <paramref name="keys"/>; stopped with the fixture at the latest.</summary>
    public SshAgentProcess StartAgent(params SshTestKey[] keys)
    {
        var agent = SshAgentProcess.Start(Path.Combine(_directory.Path, $"agent{_agents.Count}.sock"));
        _agents.Add(agent);
        foreach (var key in keys)
        {
            agent.Add(key);
        }

        return agent;
    }

    /// <summary>A socket path in the fixture's directory that nothing listens on.</summary>
    public string UnusedSocketPath(string name) => Path.Combine(_directory.Path, name + ".sock");

    public void Dispose()
    {
        foreach (var agent in _agents)
        {
            agent.Dispose();
        }

        _directory.Dispose();
    }
}
