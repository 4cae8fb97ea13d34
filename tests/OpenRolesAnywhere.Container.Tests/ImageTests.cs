using System.Globalization;
using OpenRolesAnywhere.TestCommon;
using Xunit.Abstractions;

namespace OpenRolesAnywhere.Container.Tests;

[Collection(ContainerTests.Name)]
public sealed class ImageTests(ContainerImages images, ITestOutputHelper output)
{
    [Fact]
    public async Task Image_OnAShellLessBase_HasNoShellToRun()
    {
        var result = await images.Podman.RunAsync(["run", "--rm", "--network", "none", "--entrypoint", "/bin/sh", ContainerImages.Image, "-c", "true"]);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("/bin/sh", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_NoServerListening_ExitsOneAndSaysSo()
    {
        var result = await images.Podman.RunAsync(["run", "--rm", "--network", "none", ContainerImages.Image, "health"]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("no server answered at http://127.0.0.1:9911/healthz", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Image_Config_RunsAsNonRootWithAShellLessHealthCheck()
    {
        var user = await images.Podman.RequireAsync(["image", "inspect", "--format", "{{.Config.User}}", ContainerImages.Image]);
        var health = await images.Podman.RequireAsync(["image", "inspect", "--format", "{{json .Config.Healthcheck.Test}}", ContainerImages.Image]);
        var stopSignal = await images.Podman.RequireAsync(["image", "inspect", "--format", "{{.Config.StopSignal}}", ContainerImages.Image]);

        Assert.Equal("1654:1654", user);
        Assert.Equal("""["CMD","/opt/openrolesanywhere/openrolesanywhere","health"]""", health);
        Assert.Equal("SIGTERM", stopSignal);
    }

    /// <summary>
    /// The image adds the publish folder and nothing else (.dockerignore keeps bin/, obj/, the debug symbols
    /// and the rest of artifacts/ out). The size is written to the test output for the README.
    /// </summary>
    [Fact]
    public async Task Image_AddedLayer_HoldsOnlyThePublishedExecutable()
    {
        var baseSize = long.Parse(await images.Podman.RequireAsync(["image", "inspect", "--format", "{{.Size}}", images.ServerBase]), CultureInfo.InvariantCulture);
        var published = new DirectoryInfo(Path.GetDirectoryName(CliExecutable.NativeExecutable())!).GetFiles()
            .Where(f => f.Extension is not ".dbg" and not ".pdb" and not ".xml").Sum(f => f.Length);
        var added = images.ImageSize - baseSize;
        output.WriteLine($"image {images.ImageSize / 1e6:F1} MB = base {baseSize / 1e6:F1} MB + added {added / 1e6:F1} MB (published files {published / 1e6:F1} MB)");

        Assert.InRange(added, published, published + 1_000_000);
    }
}
