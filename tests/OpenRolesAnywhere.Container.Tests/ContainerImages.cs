using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using OpenRolesAnywhere.TestCommon;

namespace OpenRolesAnywhere.Container.Tests;

/// <summary>
/// What every container test needs, made once per test run: the two local base images (from Debian with
/// debootstrap, cached under artifacts/ keyed by the recipe's hash, since no registry is reachable), the
/// Native AOT executable published as users publish it, and the image built from docker/Dockerfile.
/// </summary>
public sealed partial class ContainerImages : IAsyncLifetime
{
    public const string Image = "localhost/openrolesanywhere:test";

    /// <summary>uid and gid of the image's user (the Dockerfile's USER).</summary>
    public const string AppUser = "1654";

    private static readonly string Root = ProcessRunner.RepositoryRoot();

    internal Podman Podman { get; } = new(Path.Combine(Root, "artifacts", "container-tests"));

    public string WorkloadImage { get; private set; } = null!;

    /// <summary>The image's size as podman reports it (bytes, all layers).</summary>
    public long ImageSize { get; private set; }

    public string ServerBase { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var version = await ProcessRunner.RunAsync("podman", ["--version"]);
        Assert.True(version.ExitCode == 0, "podman is missing: run .ci/install-deps (it installs podman, runc, uidmap and debootstrap).");
        var recipe = Path.Combine(AppContext.BaseDirectory, "make-bases.sh");
        var mirror = DebianMirror();
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(await File.ReadAllTextAsync(recipe) + "\n" + mirror)))[..12];
        ServerBase = $"localhost/ora-test-server-base:{hash}";
        WorkloadImage = $"localhost/ora-test-workload:{hash}";
        await EnsureBasesAsync(recipe, mirror, Path.Combine(Root, "artifacts", "container-tests", "bases", hash));
        await Podman.RequireAsync(["build", "--format", "docker", "--build-arg", "BASE=" + ServerBase, "--build-arg", "PUBLISHED=" + PublishedFolder(), "-f", Path.Combine(Root, "docker", "Dockerfile"), "-t", Image, Root], TimeSpan.FromMinutes(5));
        ImageSize = long.Parse(await Podman.RequireAsync(["image", "inspect", "--format", "{{.Size}}", Image]), CultureInfo.InvariantCulture);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task EnsureBasesAsync(string recipe, string mirror, string cache)
    {
        var images = new[] { (Tag: ServerBase, Tar: "server.tar"), (Tag: WorkloadImage, Tar: "workload.tar") };
        var missing = new List<(string Tag, string Tar)>();
        foreach (var image in images)
        {
            if ((await Podman.RunAsync(["image", "exists", image.Tag])).ExitCode != 0)
            {
                missing.Add(image);
            }
        }

        if (missing.Count == 0)
        {
            return;
        }

        if (!missing.All(image => File.Exists(Path.Combine(cache, image.Tar))))
        {
            var made = await ProcessRunner.RunAsync("bash", [recipe, mirror, cache], timeout: TimeSpan.FromMinutes(10));
            Assert.True(made.ExitCode == 0, "debootstrap of the test base images failed: " + made.Error);
        }

        foreach (var image in missing)
        {
            await Podman.RequireAsync(["import", Path.Combine(cache, image.Tar), image.Tag], TimeSpan.FromMinutes(3));
        }
    }

    /// <summary>
    /// The native executable the other process tests run, handed to the build as its context-relative folder
    /// (published once per run into artifacts/linux-x64 unless OPENROLESANYWHERE_CLI names one).
    /// </summary>
    private static string PublishedFolder() =>
        Path.GetRelativePath(Root, Path.GetDirectoryName(CliExecutable.NativeExecutable())!);

    /// <summary>The Debian mirror apt already uses (deb822 or one-line sources), so debootstrap needs no other network.</summary>
    private static string DebianMirror()
    {
        var sources = Directory.GetFiles("/etc/apt/sources.list.d").Append("/etc/apt/sources.list").Where(File.Exists);
        foreach (var line in sources.SelectMany(File.ReadLines))
        {
            if (MirrorLine().Match(line) is { Success: true } match)
            {
                return match.Groups["url"].Value;
            }
        }

        return "http://deb.debian.org/debian";
    }

    [GeneratedRegex(@"^\s*(URIs:|deb)\s+(\[[^\]]*\]\s+)?(?<url>https?://\S+/debian)/?(\s|$)")]
    private static partial Regex MirrorLine();
}

[CollectionDefinition(Name)]
public sealed class ContainerTests : ICollectionFixture<ContainerImages>
{
    public const string Name = "containers";
}
