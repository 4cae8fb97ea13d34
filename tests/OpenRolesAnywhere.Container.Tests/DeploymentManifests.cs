using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using OpenRolesAnywhere.TestCommon;

namespace OpenRolesAnywhere.Container.Tests;

/// <summary>A container as a manifest describes it, whether from a Kubernetes pod template or a compose service.</summary>
internal sealed record ManifestContainer(string Name, string Image, IReadOnlyList<string> Args, IReadOnlyDictionary<string, string> Environment,
    IReadOnlyDictionary<string, string> Mounts, IReadOnlyList<IReadOnlyList<string>> ProbeCommands, bool NativeSidecar);

/// <summary>The containers that share a network namespace (one pod, or compose services joined by network_mode), and their user.</summary>
internal sealed record ManifestPod(string Source, IReadOnlyList<ManifestContainer> Containers, string? RunAsUser);

/// <summary>What docker/Dockerfile declares, read from the file itself.</summary>
internal sealed partial record DockerfileFacts(string Entrypoint, string User, string RuntimeDirectory)
{
    public static DockerfileFacts Read()
    {
        var text = File.ReadAllText(Path.Combine(ProcessRunner.RepositoryRoot(), "docker", "Dockerfile"));
        return new(EntrypointLine().Match(text).Groups[1].Value, UserLine().Match(text).Groups[1].Value, RuntimeDirectoryLine().Match(text).Groups[1].Value);
    }

    /// <summary>The tag the manifests use: the CLI's own version.</summary>
    public static string ImageTag => typeof(Cli.ExitCodes).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion.Split('+')[0];

    [GeneratedRegex(@"^ENTRYPOINT \[""([^""]+)""\]", RegexOptions.Multiline)]
    private static partial Regex EntrypointLine();

    [GeneratedRegex(@"^USER (\d+):\d+", RegexOptions.Multiline)]
    private static partial Regex UserLine();

    [GeneratedRegex(@"^ENV RUNTIME_DIRECTORY=(\S+)", RegexOptions.Multiline)]
    private static partial Regex RuntimeDirectoryLine();
}

/// <summary>Reads pods from the judge's JSON: Kubernetes workload objects and compose files.</summary>
internal static class DeploymentManifests
{
    public static IEnumerable<ManifestPod> Pods(JsonElement judged)
    {
        var source = judged.GetProperty("file").GetString()!;
        var manifest = judged.GetProperty("object");
        if (manifest.TryGetProperty("services", out var services))
        {
            yield return ComposePod(source, services);
        }
        else if (manifest.TryGetProperty("spec", out var spec) && spec.TryGetProperty("template", out var template))
        {
            var pod = template.GetProperty("spec");
            var user = pod.TryGetProperty("securityContext", out var security) && security.TryGetProperty("runAsUser", out var uid) ? uid.GetRawText() : null;
            var containers = Items(pod, "initContainers").Concat(Items(pod, "containers")).Select(KubernetesContainer).ToList();
            yield return new ManifestPod(source, containers, user);
        }
    }

    private static JsonElement[] Items(JsonElement element, string name) =>
        element.TryGetProperty(name, out var items) ? [.. items.EnumerateArray()] : [];

    private static ManifestContainer KubernetesContainer(JsonElement c) => new(
        c.GetProperty("name").GetString()!,
        c.GetProperty("image").GetString()!,
        Items(c, "args").Select(a => a.GetString()!).ToList(),
        Items(c, "env").ToDictionary(e => e.GetProperty("name").GetString()!, e => e.GetProperty("value").GetString()!),
        Items(c, "volumeMounts").ToDictionary(m => m.GetProperty("name").GetString()!, m => m.GetProperty("mountPath").GetString()!),
        new[] { "startupProbe", "livenessProbe", "readinessProbe" }
            .Where(p => c.TryGetProperty(p, out _))
            .Select(p => (IReadOnlyList<string>)c.GetProperty(p).GetProperty("exec").GetProperty("command").EnumerateArray().Select(a => a.GetString()!).ToList())
            .ToList(),
        c.TryGetProperty("restartPolicy", out var restart) && restart.GetString() == "Always");

    private static ManifestPod ComposePod(string source, JsonElement services)
    {
        var containers = services.EnumerateObject().Select(s => new ManifestContainer(
            s.Name,
            s.Value.GetProperty("image").GetString()!,
            Items(s.Value, "command").Select(a => a.GetString()!).ToList(),
            s.Value.TryGetProperty("environment", out var env) ? env.EnumerateObject().ToDictionary(v => v.Name, v => v.Value.GetString()!) : new Dictionary<string, string>(),
            Items(s.Value, "volumes").Select(v => ComposeVolume(v.GetString()!)).ToDictionary(v => v.Source, v => v.Target),
            [],
            false)).ToList();
        var user = services.EnumerateObject().Select(s => s.Value.TryGetProperty("user", out var u) ? u.GetString()!.Split(':')[0] : null).FirstOrDefault(u => u is not null);
        return new ManifestPod(source, containers, user);
    }

    /// <summary><c>SOURCE:TARGET[:MODE]</c>, where SOURCE may be a <c>${VAR:?message}</c> with colons of its own.</summary>
    private static (string Source, string Target) ComposeVolume(string volume)
    {
        var sourceEnd = volume.StartsWith("${", StringComparison.Ordinal) ? volume.IndexOf('}', StringComparison.Ordinal) + 1 : volume.IndexOf(':', StringComparison.Ordinal);
        var rest = volume[(sourceEnd + 1)..];
        return (volume[..sourceEnd], rest.Split(':')[0]);
    }
}
