using System.Text.Json;
using OpenRolesAnywhere.Cli;
using OpenRolesAnywhere.Core.Credentials;
using OpenRolesAnywhere.Server;
using OpenRolesAnywhere.TestCommon;

namespace OpenRolesAnywhere.Container.Tests;

/// <summary>
/// docker/kubernetes/*.yaml against the Kubernetes API schema, and every manifest (compose too) against what
/// the image and the CLI really are: the image tag, the entrypoint path, the user, the token directory, the
/// serve flags (parsed by the CLI's own command tree) and the variables a workload needs (made by the same
/// code as `env`). A real cluster would add admission (Pod Security "restricted", unknown-field rejection),
/// hostPath and emptyDir semantics, and the kubelet running the probes.
/// </summary>
public sealed class KubernetesManifestTests(KubernetesSchemaJudge judge) : IClassFixture<KubernetesSchemaJudge>
{
    private static readonly string Docker = Path.Combine(ProcessRunner.RepositoryRoot(), "docker");
    private static readonly DockerfileFacts Dockerfile = DockerfileFacts.Read();

    private static string[] ManifestFiles => [.. Directory.GetFiles(Path.Combine(Docker, "kubernetes"), "*.yaml").Order(), Path.Combine(Docker, "compose.yaml")];

    [Fact]
    public async Task KubernetesManifests_EveryObject_IsValidAgainstItsApiSchema()
    {
        var judged = await judge.JudgeAsync(Directory.GetFiles(Path.Combine(Docker, "kubernetes"), "*.yaml"));

        Assert.All(judged, j => Assert.True(j.GetProperty("error").ValueKind == JsonValueKind.Null, $"{j.GetProperty("file")}: {j.GetProperty("error")}"));
        Assert.Equal(["apps/v1/DaemonSet", "apps/v1/Deployment", "v1/ConfigMap"], judged.Select(j => j.GetProperty("schema").GetString()!).Order());
    }

    [Fact]
    public async Task Judge_ObjectOfTheWrongShape_IsRefused()
    {
        using var temp = new TempDirectory();
        var file = temp.File("bad.yaml");
        await File.WriteAllTextAsync(file, "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec:\n  replicas: two\n  selector: {}\n  template: {spec: {containers: [{name: a, image: b, ports: [{containerPort: http}]}]}}\n");

        var judged = Assert.Single(await judge.JudgeAsync(file));

        Assert.Contains("replicas must be integer", judged.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SidecarManifest_Server_IsANativeSidecarProbedThroughHealth()
    {
        var pod = Assert.Single(await PodsAsync(), p => p.Source.EndsWith("sidecar.yaml", StringComparison.Ordinal));

        var server = Assert.Single(pod.Containers, IsServer);
        Assert.True(server.NativeSidecar, "the server must be an init container with restartPolicy: Always");
        Assert.Equal(3, server.ProbeCommands.Count);
        Assert.All(server.ProbeCommands, probe => Assert.Equal([Dockerfile.Entrypoint, "health"], probe.Take(2)));
    }

    [Fact]
    public async Task Manifests_ServerArgumentsAndProbes_AreCommandsTheCliAccepts()
    {
        var servers = (await PodsAsync()).SelectMany(p => p.Containers.Where(IsServer).Select(c => (p.Source, Container: c))).ToList();

        Assert.Equal(3, servers.Count);
        foreach (var (source, server) in servers)
        {
            Assert.Equal("openrolesanywhere:" + DockerfileFacts.ImageTag, server.Image);
            Assert.Equal("serve", server.Args[0]);
            AssertParses(source, server.Args);
            foreach (var probe in server.ProbeCommands)
            {
                AssertParses(source, probe.Skip(1).ToList());
            }
        }
    }

    [Fact]
    public void ArgumentCheck_MisspelledFlag_IsCaught()
    {
        var errors = CliApplication.BuildRootCommand(CliEnvironment.Process).Parse(["serve", "--role-arm", "arn:aws:iam::123456789012:role/x"]).Errors;

        Assert.NotEmpty(errors);
    }

    [Fact]
    public async Task Manifests_ServerAndWorkload_ShareTheTokenDirectoryAndUser()
    {
        foreach (var pod in await PodsAsync())
        {
            var server = Assert.Single(pod.Containers, IsServer);
            var tokenVolume = Assert.Single(server.Mounts, m => m.Value == Dockerfile.RuntimeDirectory).Key;
            Assert.Equal(Dockerfile.User, pod.RunAsUser);
            Assert.All(pod.Containers.Where(c => !IsServer(c)), workload => Assert.Equal(Dockerfile.RuntimeDirectory, workload.Mounts[tokenVolume]));
            var agentSocket = server.Environment["SSH_AUTH_SOCK"];
            Assert.Contains(server.Mounts.Values, path => agentSocket == path || agentSocket.StartsWith(path + "/", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Manifests_Workloads_GetTheVariablesEnvWouldPrint()
    {
        var pods = (await PodsAsync()).Where(p => p.Containers.Count > 1).ToList();

        Assert.Equal(2, pods.Count);
        foreach (var pod in pods)
        {
            var server = Assert.Single(pod.Containers, IsServer);
            var listen = server.Args[server.Args.ToList().IndexOf("--listen") + 1];
            var tokenFile = LocalServerPaths.TokenFile(name => name == "RUNTIME_DIRECTORY" ? Dockerfile.RuntimeDirectory : null);
            var expected = ServerEnvironment.Variables(ServerEnvironment.ClientBaseUrl(listen), tokenFile).Where(v => v.Key.StartsWith("AWS_CONTAINER_", StringComparison.Ordinal));
            foreach (var workload in pod.Containers.Where(c => !IsServer(c)))
            {
                Assert.All(expected, v => Assert.Equal(v.Value, workload.Environment.GetValueOrDefault(v.Key)));
            }
        }
    }

    private static bool IsServer(ManifestContainer container) => container.Image.StartsWith("openrolesanywhere:", StringComparison.Ordinal);

    private static void AssertParses(string source, IReadOnlyList<string> arguments)
    {
        var errors = CliApplication.BuildRootCommand(CliEnvironment.Process).Parse(arguments.ToArray()).Errors;
        Assert.True(errors.Count == 0, $"{source}: `{string.Join(' ', arguments)}`: {string.Join("; ", errors.Select(e => e.Message))}");
    }

    private async Task<List<ManifestPod>> PodsAsync() =>
        (await judge.JudgeAsync(ManifestFiles)).SelectMany(DeploymentManifests.Pods).ToList();
}
