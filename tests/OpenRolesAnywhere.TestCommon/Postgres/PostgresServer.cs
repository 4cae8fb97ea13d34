using System.Globalization;
using System.Security.Cryptography;
using OpenRolesAnywhere.TestCommon.LoopbackHost;

namespace OpenRolesAnywhere.TestCommon.Postgres;

/// <summary>
/// A real PostgreSQL (Debian's <c>postgresql</c> package) in a temporary directory: initdb, then the server on
/// 127.0.0.1 at a free port with its Unix socket in that directory, password (SCRAM) logins over TCP; stopped and
/// removed on dispose. PostgreSQL refuses to run as root, so under root (CI) every program runs through
/// <c>runuser</c> as the package's unprivileged <c>postgres</c> user (else <c>nobody</c>), who owns the directory.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    public const string User = "ora";
    private readonly TempDirectory _directory;
    private readonly string _bin;
    private readonly string? _runAs;

    private PostgresServer(TempDirectory directory, string bin, string? runAs, int port, string password)
    {
        _directory = directory;
        _bin = bin;
        _runAs = runAs;
        Port = port;
        Password = password;
    }

    public int Port { get; }

    /// <summary>The login's password: tests check it never shows in what the program prints.</summary>
    public string Password { get; }

    /// <summary>The account the server runs as; null when it is the test's own (not root).</summary>
    public string? RunAs => _runAs;

    public string DataDirectory => Path.Combine(_directory.Path, "data");

    public static async Task<PostgresServer> StartAsync()
    {
        var bin = FindBin();
        var runAs = Environment.IsPrivilegedProcess ? (UserExists("postgres") ? "postgres" : "nobody") : null;
        var directory = new TempDirectory("ora-pg-");
        var server = new PostgresServer(directory, bin, runAs, FreePort.Next(), Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)));
        try
        {
            await File.WriteAllTextAsync(directory.File("pwfile"), server.Password + "\n");
            if (runAs is not null)
            {
                await Must("chown", ["-R", runAs, directory.Path]);
            }

            await server.RunAsync("initdb", ["-D", server.DataDirectory, "-U", User, "--pwfile", directory.File("pwfile"), "--auth-host=scram-sha-256", "--auth-local=trust", "--no-sync", "-E", "UTF8", "--locale=C"]);
            var options = string.Create(CultureInfo.InvariantCulture, $"-p {server.Port} -k {directory.Path} -c listen_addresses=127.0.0.1 -c fsync=off");
            await server.RunAsync("pg_ctl", ["-D", server.DataDirectory, "-o", options, "-l", directory.File("server.log"), "-w", "-t", "60", "start"]);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>A connection string for <paramref name="database"/>, password included, as an administrator would write it.</summary>
    public string ConnectionString(string database) =>
        string.Create(CultureInfo.InvariantCulture, $"Host=127.0.0.1;Port={Port};Database={database};Username={User};Password={Password}");

    /// <summary>A new, empty database for one test.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "ledger_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        await SqlAsync("postgres", $"CREATE DATABASE {name}");
        return name;
    }

    /// <summary>Runs SQL through psql over the Unix socket, as the test's judge of what the database holds.</summary>
    public async Task<string> SqlAsync(string database, string sql) =>
        (await RunAsync("psql", ["-h", _directory.Path, "-p", Port.ToString(CultureInfo.InvariantCulture), "-U", User, "-d", database, "-v", "ON_ERROR_STOP=1", "-At", "-c", sql])).Output.TrimEnd('\n');

    public async ValueTask DisposeAsync()
    {
        if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
        {
            await RunAsync("pg_ctl", ["-D", DataDirectory, "-m", "immediate", "-w", "stop"]);
        }

        _directory.Dispose();
    }

    private async Task<ProcessRunner.Result> RunAsync(string program, IEnumerable<string> arguments)
    {
        var path = Path.Combine(_bin, program);
        return _runAs is null
            ? await Must(path, arguments)
            : await Must("runuser", ["-u", _runAs, "--", path, .. arguments]);
    }

    private static async Task<ProcessRunner.Result> Must(string program, IEnumerable<string> arguments)
    {
        var result = await ProcessRunner.RunAsync(program, arguments, timeout: TimeSpan.FromSeconds(120));
        return result.ExitCode == 0
            ? result
            : throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed ({result.ExitCode}): {result.Error}{result.Output}");
    }

    // Debian installs the server outside PATH, one folder per major version; take the newest.
    private static string FindBin()
    {
        var root = "/usr/lib/postgresql";
        var bin = Directory.Exists(root)
            ? Directory.GetDirectories(root).Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "pg_ctl")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0).FirstOrDefault()
            : null;
        return bin ?? throw new InvalidOperationException("PostgreSQL is not installed: run .ci/install-deps (Debian's postgresql package).");
    }

    private static bool UserExists(string name) => File.ReadLines("/etc/passwd").Any(l => l.StartsWith(name + ":", StringComparison.Ordinal));
}
