using System.Text.Json;
using Microsoft.Extensions.Configuration;
using OpenRolesAnywhere.Cli;
using OpenRolesAnywhere.Core.Credentials;
using OpenRolesAnywhere.Server;
using OpenRolesAnywhere.Server.Configuration;
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
        Assert.Equal(["apps/v1/DaemonSet", "apps/v1/DaemonSet", "apps/v1/Deployment", "apps/v1/Deployment", "v1/ConfigMap", "v1/ConfigMap", "v1/Service"],
            judged.Select(j => j.GetProperty("schema").GetString()!).Order());
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

        Assert.Equal(4, servers.Count);
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
        // node-tls.yaml's example workload has its server on the node, not in its pod.
        foreach (var pod in (await PodsAsync()).Where(p => p.Containers.Any(IsServer)))
        {
            var server = Assert.Single(pod.Containers, IsServer);
            var tokenVolume = Assert.Single(server.Mounts, m => m.Value == Dockerfile.RuntimeDirectory).Key;
            // The node server reads Secrets the kubelet writes as root, as its own 0600 files (see the manifest).
            Assert.Equal(pod.Source.EndsWith("node-tls.yaml", StringComparison.Ordinal) ? "0" : Dockerfile.User, pod.RunAsUser);
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

    [Fact]
    public async Task NodeTlsManifest_TlsKeyAndTokens_AreSecretsTheServerReadsAsItsOwnPrivateFiles()
    {
        var node = await NodeTlsAsync();
        var server = node.Server;
        var args = server.GetProperty("args").EnumerateArray().Select(a => a.GetString()!).ToList();

        string[] secrets = [args[args.IndexOf("--tls-key") + 1], .. node.Configuration.Sources.Select(s => s.TokenFile!)];
        Assert.Equal(3, secrets.Length);
        foreach (var secret in secrets)
        {
            var volume = node.VolumeOf(secret);
            // A regular file: through the kubelet's ..data directory, not the symbolic link beside it.
            Assert.Contains("/..data/", secret, StringComparison.Ordinal);
            Assert.Equal(Convert.ToInt32("600", 8), volume.GetProperty("secret").GetProperty("defaultMode").GetInt32());
        }

        Assert.Equal("tls.crt", Path.GetFileName(args[args.IndexOf("--tls-certificate") + 1]));
        Assert.Equal(node.VolumeOf(args[args.IndexOf("--tls-key") + 1]).GetRawText(), node.VolumeOf(args[args.IndexOf("--tls-certificate") + 1]).GetRawText());
        var security = server.GetProperty("securityContext");
        Assert.False(security.GetProperty("allowPrivilegeEscalation").GetBoolean());
        Assert.True(security.GetProperty("readOnlyRootFilesystem").GetBoolean());
        Assert.Equal("[\"ALL\"]", security.GetProperty("capabilities").GetProperty("drop").GetRawText());
        Assert.All(node.Configuration.Sources, s => Assert.True(node.ConfigMapData.TryGetProperty(Path.GetFileName(s.Certificate!), out _), s.Certificate));
    }

    [Fact]
    public async Task NodeTlsManifest_ServiceAndListener_KeepRequestsOnTheNodeOverHttps()
    {
        var node = await NodeTlsAsync();
        var args = node.Server.GetProperty("args").EnumerateArray().Select(a => a.GetString()!).ToList();
        var https = args.Where((a, i) => i > 0 && args[i - 1] == "--listen").Select(a => new Uri(a)).Single(u => u.Scheme == "https");
        var spec = node.Service.GetProperty("spec");
        var port = spec.GetProperty("ports")[0];

        Assert.Equal("0.0.0.0", https.Host);
        Assert.Equal(https.Port, port.GetProperty("targetPort").GetInt32());
        Assert.Equal(https.Port, node.Server.GetProperty("ports")[0].GetProperty("containerPort").GetInt32());
        Assert.Equal("Local", spec.GetProperty("internalTrafficPolicy").GetString());
        Assert.Equal(spec.GetProperty("selector").GetRawText(), node.DaemonSet.GetProperty("spec").GetProperty("template").GetProperty("metadata").GetProperty("labels").GetRawText());
    }

    [Fact]
    public async Task NodeTlsManifest_Workload_AsksTheServiceForItsOwnSourceWithItsOwnToken()
    {
        var node = await NodeTlsAsync();
        var workload = Assert.Single(await PodsAsync(), p => p.Source.EndsWith("node-tls.yaml", StringComparison.Ordinal) && !p.Containers.Any(IsServer)).Containers[0];
        var uri = new Uri(workload.Environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"]);
        var source = Assert.Single(node.Configuration.Sources, s => uri.AbsolutePath == "/v1/credentials/" + s.Name);
        var tokenFile = workload.Environment["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"];
        var metadata = node.Service.GetProperty("metadata");

        Assert.Equal($"{metadata.GetProperty("name").GetString()}.{metadata.GetProperty("namespace").GetString()}.svc", uri.Host);
        Assert.Equal(node.Service.GetProperty("spec").GetProperty("ports")[0].GetProperty("port").GetInt32(), uri.Port);
        var expected = ServerEnvironment.Variables($"https://{uri.Host}:{uri.Port}", tokenFile, source: source.Name);
        Assert.Equal(expected.Where(v => v.Key.StartsWith("AWS_CONTAINER_", StringComparison.Ordinal)).Select(v => v.Value),
            [workload.Environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"], tokenFile]);
        // The same Secret name on both sides: the workload's copy of the token its source answers to.
        var serverSecret = node.VolumeOf(source.TokenFile!).GetProperty("secret").GetProperty("secretName").GetString();
        var workloadVolume = Assert.Single(workload.Mounts, m => tokenFile.StartsWith(m.Value + "/", StringComparison.Ordinal)).Key;
        Assert.Equal(serverSecret, node.WorkloadSecret(workloadVolume));
    }

    private async Task<NodeTls> NodeTlsAsync()
    {
        var objects = (await judge.JudgeAsync(Path.Combine(Docker, "kubernetes", "node-tls.yaml"))).Select(j => j.GetProperty("object")).ToList();
        JsonElement Kind(string kind, bool first = true) => first ? objects.First(o => o.GetProperty("kind").GetString() == kind) : objects.Last(o => o.GetProperty("kind").GetString() == kind);
        var data = Kind("ConfigMap").GetProperty("data");
        var configuration = new ConfigurationBuilder()
            .AddJsonStream(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(data.GetProperty("serve.json").GetString()!))).Build()
            .Get<ServeConfiguration>(binder => binder.ErrorOnUnknownConfiguration = true)!;
        return new NodeTls(Kind("DaemonSet"), Kind("Service"), Kind("Deployment", first: false), data, configuration);
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

/// <summary>The objects of node-tls.yaml, and its serve.json bound as serve binds it (unknown fields are errors).</summary>
internal sealed record NodeTls(JsonElement DaemonSet, JsonElement Service, JsonElement Workload, JsonElement ConfigMapData, ServeConfiguration Configuration)
{
    private JsonElement PodSpec => DaemonSet.GetProperty("spec").GetProperty("template").GetProperty("spec");

    public JsonElement Server => PodSpec.GetProperty("containers").EnumerateArray().Single(c => c.GetProperty("image").GetString()!.StartsWith("openrolesanywhere:", StringComparison.Ordinal));

    /// <summary>The server's volume mounted where <paramref name="path"/> lies.</summary>
    public JsonElement VolumeOf(string path)
    {
        var mount = Server.GetProperty("volumeMounts").EnumerateArray().Single(m => path.StartsWith(m.GetProperty("mountPath").GetString() + "/", StringComparison.Ordinal));
        return PodSpec.GetProperty("volumes").EnumerateArray().Single(v => v.GetProperty("name").GetString() == mount.GetProperty("name").GetString());
    }

    /// <summary>The Secret behind one of the example workload's volumes.</summary>
    public string? WorkloadSecret(string volume) =>
        Workload.GetProperty("spec").GetProperty("template").GetProperty("spec").GetProperty("volumes").EnumerateArray()
            .Single(v => v.GetProperty("name").GetString() == volume).GetProperty("secret").GetProperty("secretName").GetString();
}
