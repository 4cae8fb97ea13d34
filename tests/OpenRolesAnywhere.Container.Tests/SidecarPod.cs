using OpenRolesAnywhere.TestCommon;
using OpenRolesAnywhere.TestCommon.FakeRolesAnywhere;
using OpenRolesAnywhere.TestCommon.FakeSts;
using OpenRolesAnywhere.TestCommon.SshAgent;

namespace OpenRolesAnywhere.Container.Tests;

/// <summary>
/// The sidecar pattern, for real: a podman pod whose containers share one network namespace, the server
/// container from the image (non-root, read-only root filesystem, nothing writable but the token volume)
/// signing through a real ssh-agent's socket mounted in, and the verifying fake AWS on the host's loopback,
/// which the pod reaches as 10.0.2.2 (slirp4netns with allow_host_loopback).
/// </summary>
internal sealed class SidecarPod : IAsyncDisposable
{
    /// <summary>The host's loopback as seen from inside the pod.</summary>
    public const string HostLoopback = "10.0.2.2";

    public const string TokenDirectory = "/run/openrolesanywhere";

    /// <summary>
    /// botocore as a workload: the container provider from the variables alone. Debian 12's botocore (1.29)
    /// predates AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE, so the script reads the file into the inline variable.
    /// </summary>
    private const string WorkloadScript = """
        import json, os, sys, botocore.session
        os.environ.setdefault('AWS_CONTAINER_AUTHORIZATION_TOKEN', open(os.environ['TOKEN_FILE']).read())
        session = botocore.session.get_session()
        try:
            credentials = session.get_credentials()
            if credentials is None:
                sys.exit('no credentials')
            sts = session.create_client('sts', region_name='us-east-1', endpoint_url=os.environ['STS_ENDPOINT'])
            identity = sts.get_caller_identity()
        except Exception as e:
            sys.exit(type(e).__name__ + ': ' + str(e))
        print(json.dumps({'method': credentials.method, 'accessKeyId': credentials.access_key, 'arn': identity['Arn']}))
        """;

    private readonly ContainerImages _images;
    private readonly TestPki _pki;
    private readonly TempDirectory _temp = new();
    private readonly TempDirectory _agentDirectory = new("ora-agent-");
    private SshAgentProcess? _agent;

    private SidecarPod(ContainerImages images, TestPki pki, FakeRolesAnywhereServer fake, FakeStsServer sts)
    {
        _images = images;
        _pki = pki;
        Fake = fake;
        Sts = sts;
        var id = Guid.NewGuid().ToString("N")[..8];
        Name = "ora-pod-" + id;
        Volume = "ora-token-" + id;
    }

    public string Name { get; }

    public string Server => Name + "-server";

    public string Volume { get; }

    public FakeRolesAnywhereServer Fake { get; }

    public FakeStsServer Sts { get; }

    private Podman Podman => _images.Podman;

    /// <summary>Starts the pod and the server in it, and waits until the image's own health check passes.</summary>
    public static async Task<SidecarPod> StartAsync(ContainerImages images, SshAgentFixture agents)
    {
        var pki = TestPki.Create();
        var fake = await FakeRolesAnywhereServer.StartAsync(pki.Root);
        var pod = new SidecarPod(images, pki, fake, await FakeStsServer.StartAsync(() => fake.Issued));
        try
        {
            await pod.StartServerAsync(agents);
            return pod;
        }
        catch
        {
            await pod.DisposeAsync();
            throw;
        }
    }

    public static string FromPod(Uri hostEndpoint) => new UriBuilder(hostEndpoint) { Host = HostLoopback }.Uri.ToString();

    /// <summary>Runs the botocore workload as the image's user; <paramref name="network"/> null means in the pod.</summary>
    public Task<ProcessRunner.Result> RunWorkloadAsync(string? network = null, string? token = null)
    {
        var arguments = new List<string> { "run", "--rm", "--user", ContainerImages.AppUser + ":" + ContainerImages.AppUser, "--read-only" };
        arguments.AddRange(network is null ? ["--pod", Name] : ["--network", network]);
        arguments.AddRange([
            "-v", $"{Volume}:{TokenDirectory}:ro",
            "-e", "AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1:9911/v1/credentials",
            "-e", $"TOKEN_FILE={TokenDirectory}/server.token",
            "-e", "STS_ENDPOINT=" + FromPod(Sts.Endpoint),
            "-e", "AWS_CONFIG_FILE=/dev/null", "-e", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "-e", "AWS_EC2_METADATA_DISABLED=true",
        ]);
        if (token is not null)
        {
            arguments.AddRange(["-e", "AWS_CONTAINER_AUTHORIZATION_TOKEN=" + token]);
        }

        arguments.AddRange([_images.WorkloadImage, "python3", "-c", WorkloadScript]);
        return Podman.RunAsync(arguments);
    }

    private async Task StartServerAsync(SshAgentFixture agents)
    {
        // The agent runs as the server container's user: OpenSSH's agent serves only its own uid (and root).
        await ChownAsync(_agentDirectory.Path);
        _agent = SshAgentProcess.Start(Path.Combine(_agentDirectory.Path, "agent.sock"),
            ["setpriv", $"--reuid={ContainerImages.AppUser}", $"--regid={ContainerImages.AppUser}", "--clear-groups"]);
        _agent.Add(agents.EcdsaP256);
        using var leaf = _pki.Issue(agents.EcdsaP256.PublicKey!);
        var certificate = _pki.WritePem(_temp.File("workload.pem"), leaf);

        await Podman.RequireAsync(["pod", "create", "--name", Name, "--network", "slirp4netns:allow_host_loopback=true"]);
        await Podman.RequireAsync(["volume", "create", Volume]);
        await Podman.RequireAsync([
            "run", "-d", "--pod", Name, "--name", Server, "--read-only", "--read-only-tmpfs=false",
            "-v", $"{Volume}:{TokenDirectory}", "-v", _agent.SocketPath + ":/agent.sock", "-v", certificate + ":/certs/workload.pem:ro",
            "-e", "SSH_AUTH_SOCK=/agent.sock",
            ContainerImages.Image, "serve", "--log-format", "json", "--certificate", "/certs/workload.pem",
            "--trust-anchor-arn", FakeRolesAnywhereServer.TrustAnchorArn, "--profile-arn", FakeRolesAnywhereServer.ProfileArn,
            "--role-arn", FakeRolesAnywhereServer.RoleArn, "--endpoint", FromPod(Fake.Endpoint),
        ]);
        await Eventually.TrueAsync(async () => (await Podman.RunAsync(["healthcheck", "run", Server])).ExitCode == 0,
            "the server container's health check passes", TimeSpan.FromSeconds(60));
    }

    private static async Task ChownAsync(string path)
    {
        var chown = await ProcessRunner.RunAsync("chown", [ContainerImages.AppUser + ":" + ContainerImages.AppUser, path]);
        Assert.True(chown.ExitCode == 0, chown.Error);
    }

    /// <summary>The server container's log (JSON lines), for failure messages.</summary>
    public async Task<string> ServerLogAsync() => (await Podman.RunAsync(["logs", Server])).Output;

    public async ValueTask DisposeAsync()
    {
        await Podman.RunAsync(["pod", "rm", "-f", Name]);
        await Podman.RunAsync(["volume", "rm", "-f", Volume]);
        _agent?.Dispose();
        _agentDirectory.Dispose();
        await Sts.DisposeAsync();
        await Fake.DisposeAsync();
        _pki.Dispose();
        _temp.Dispose();
    }
}
