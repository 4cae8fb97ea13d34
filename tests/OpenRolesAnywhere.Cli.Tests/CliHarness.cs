using OpenRolesAnywhere.TestCommon;
using OpenRolesAnywhere.TestCommon.FakeRolesAnywhere;
using OpenRolesAnywhere.TestCommon.FakeSts;

namespace OpenRolesAnywhere.Cli.Tests;

/// <summary>A PKI, the verifying fake Roles Anywhere, a temp folder, and the CLI run against them in-process or as the native executable.</summary>
public sealed class CliHarness : IAsyncDisposable
{
    private CliHarness(FakeRolesAnywhereServer fake, TestPki pki)
    {
        Fake = fake;
        Pki = pki;
        Environment["HOME"] = Temp.Path;
    }

    public TestPki Pki { get; }

    public TempDirectory Temp { get; } = new();

    public FakeRolesAnywhereServer Fake { get; }

    /// <summary>The verifying fake STS that accepts the credentials <see cref="Fake"/> issued; started with <c>sts: true</c>.</summary>
    public FakeStsServer Sts => _sts ?? throw new InvalidOperationException("Start the harness with sts: true.");

    private FakeStsServer? _sts;

    /// <summary>Environment variables the in-process CLI sees (nothing from the real process).</summary>
    public Dictionary<string, string?> Environment { get; } = [];

    /// <summary>What the in-process CLI reads as standard input (<c>--private-key -</c>).</summary>
    public string StandardInput { get; set; } = "";

    /// <summary>The clock the in-process CLI reads.</summary>
    public TimeProvider Time { get; set; } = TimeProvider.System;

    /// <param name="otherRequests">Answers what is not CreateSession at the same endpoint (the control plane fake).</param>
    /// <param name="sts">Also start <see cref="Sts"/>, for tests that judge credentials by an STS call.</param>
    public static async Task<CliHarness> StartAsync(Func<Microsoft.AspNetCore.Http.HttpContext, Task>? otherRequests = null, TestPki? pki = null, bool sts = false)
    {
        pki ??= TestPki.Create();
        var harness = new CliHarness(await FakeRolesAnywhereServer.StartAsync(pki.Root, otherRequests), pki);
        if (sts)
        {
            harness._sts = await FakeStsServer.StartAsync(() => harness.Fake.Issued);
        }

        return harness;
    }

    /// <summary>Writes a key file and a certificate (with the intermediate) for it; returns both paths.</summary>
    public (string Certificate, string Key) FileIdentity(string kind = "p256", IEnumerable<string>? uris = null, DateTimeOffset? notAfter = null)
    {
        using var key = TestKeys.Create(kind);
        using var leaf = Pki.Issue(TestKeys.PublicKeyOf(key), uris: uris, notAfter: notAfter,
            notBefore: notAfter is { } end ? end.AddDays(-5) : null);
        var name = Guid.NewGuid().ToString("N")[..8];
        return (Pki.WritePem(Temp.File(name + ".pem"), leaf), TestKeys.WritePkcs8(key, Temp.File(name + ".key")));
    }

    /// <summary>A certificate (with the intermediate) for a public key held elsewhere, such as an agent key.</summary>
    public string CertificateFor(System.Security.Cryptography.X509Certificates.PublicKey publicKey, IEnumerable<string>? uris = null)
    {
        using var leaf = Pki.Issue(publicKey, uris: uris);
        return Pki.WritePem(Temp.File(Guid.NewGuid().ToString("N")[..8] + ".pem"), leaf);
    }

    public string[] ArnFlags() =>
    [
        "--trust-anchor-arn", FakeRolesAnywhereServer.TrustAnchorArn,
        "--profile-arn", FakeRolesAnywhereServer.ProfileArn,
        "--role-arn", FakeRolesAnywhereServer.RoleArn,
        "--endpoint", Fake.Endpoint.ToString(),
    ];

    /// <summary>
    /// The environment for a real AWS client: a config with one profile whose credential_process runs our built
    /// CLI with <paramref name="arguments"/>, and nothing else it could take credentials from.
    /// </summary>
    public Dictionary<string, string?> AwsConfig(IEnumerable<string> arguments)
    {
        var command = string.Join(' ', CliExecutable.CommandLine(["credential-process", .. arguments]).Select(Quote));
        var config = Temp.File("aws-config");
        File.WriteAllText(config, $"[profile ora]\nregion = us-east-1\ncredential_process = {command}\n");
        var environment = IsolatedAwsEnvironment();
        environment["AWS_CONFIG_FILE"] = config;
        environment["AWS_PROFILE"] = "ora";
        environment["AWS_EC2_METADATA_DISABLED"] = "true";
        return environment;
    }

    /// <summary>
    /// Variables for a real AWS client that leave it only what the test gives it: no developer config,
    /// keys or profile. Instance metadata stays allowed; tests that do not serve it disable it.
    /// </summary>
    public Dictionary<string, string?> IsolatedAwsEnvironment() => new()
    {
        ["HOME"] = Temp.Path,
        ["AWS_CONFIG_FILE"] = Temp.File("no-aws-config"),
        ["AWS_SHARED_CREDENTIALS_FILE"] = Temp.File("no-aws-credentials"),
        ["AWS_ACCESS_KEY_ID"] = null,
        ["AWS_SECRET_ACCESS_KEY"] = null,
        ["AWS_SESSION_TOKEN"] = null,
        ["AWS_PROFILE"] = null,
        ["AWS_DEFAULT_REGION"] = "us-east-1",
    };

    /// <summary>The environment of a <c>serve</c> process: an isolated AWS environment, a runtime directory of its own, the agent.</summary>
    public Dictionary<string, string?> ServeEnvironment(string agentSocket)
    {
        var runtime = Temp.File("run");
        Directory.CreateDirectory(runtime);
        var environment = IsolatedAwsEnvironment();
        environment["XDG_RUNTIME_DIR"] = runtime;
        environment["SSH_AUTH_SOCK"] = agentSocket;
        return environment;
    }

    /// <summary>The real AWS CLI calls the verifying fake STS with whatever credentials its environment leads it to.</summary>
    public static Task<ProcessRunner.Result> AwsCliCallerIdentityAsync(FakeStsServer sts, IDictionary<string, string?> environment) =>
        ProcessRunner.RunAsync("aws", ["sts", "get-caller-identity", "--endpoint-url", sts.Endpoint.ToString(), "--output", "json"],
            environment, TimeSpan.FromSeconds(90));

    /// <summary>botocore resolves credentials as its environment leads it to and prints the key id, secret and token, a line each.</summary>
    public static Task<ProcessRunner.Result> BotocoreCredentialsAsync(IDictionary<string, string?> environment) =>
        ProcessRunner.RunAsync("python3",
            ["-c", "import botocore.session; c = botocore.session.Session().get_credentials().get_frozen_credentials(); print(c.access_key); print(c.secret_key); print(c.token)"],
            environment, TimeSpan.FromSeconds(60));

    private static string Quote(string value) => value.Contains(' ', StringComparison.Ordinal) ? $"\"{value}\"" : value;

    public async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var environment = new CliEnvironment(name => Environment.GetValueOrDefault(name), Time) { StandardInput = () => StandardInput };
        var exitCode = await CliApplication.RunAsync(args, output, error, environment);
        return (exitCode, output.ToString(), error.ToString());
    }

    /// <summary>
    /// The CLI as its own process (the native executable, see <see cref="CliExecutable"/>), seeing
    /// <see cref="Environment"/> over an isolated AWS environment.
    /// </summary>
    public async Task<(int ExitCode, string Output, string Error)> RunProcessAsync(params string[] args)
    {
        var environment = IsolatedAwsEnvironment();
        environment["SSH_AUTH_SOCK"] = null;
        foreach (var (name, value) in Environment)
        {
            environment[name] = value;
        }

        var result = await CliExecutable.RunAsync(args, environment, TimeSpan.FromSeconds(90));
        return (result.ExitCode, result.Output, result.Error);
    }

    public async ValueTask DisposeAsync()
    {
        if (_sts is not null)
        {
            await _sts.DisposeAsync();
        }

        await Fake.DisposeAsync();
        Pki.Dispose();
        Temp.Dispose();
    }
}
