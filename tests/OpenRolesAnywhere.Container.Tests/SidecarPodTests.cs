using System.Diagnostics;
using System.Text.Json;
using OpenRolesAnywhere.TestCommon.SshAgent;

namespace OpenRolesAnywhere.Container.Tests;

[Collection(ContainerTests.Name)]
public sealed class SidecarPodTests(ContainerImages images, SshAgentFixture agents) : IClassFixture<SshAgentFixture>, IAsyncLifetime
{
    private SidecarPod _pod = null!;

    public async Task InitializeAsync() => _pod = await SidecarPod.StartAsync(images, agents);

    public async Task DisposeAsync() => await _pod.DisposeAsync();

    [Fact]
    public async Task Pod_BotocoreWorkloadBesideTheServer_GetsCredentialsThatStsAccepts()
    {
        var result = await _pod.RunWorkloadAsync();

        Assert.True(result.ExitCode == 0, $"workload: {result.Error}\nserver log: {await _pod.ServerLogAsync()}");
        using var answer = JsonDocument.Parse(result.Output);
        var accessKeyId = answer.RootElement.GetProperty("accessKeyId").GetString();
        Assert.Equal("container-role", answer.RootElement.GetProperty("method").GetString());
        Assert.Contains(_pod.Fake.Issued, session => session.AccessKeyId == accessKeyId);
        Assert.Equal([accessKeyId!], _pod.Sts.AcceptedAccessKeys);
        Assert.StartsWith("arn:aws:sts::123456789012:assumed-role/workload/", answer.RootElement.GetProperty("arn").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pod_ServerContainer_RunsAsTheImageUserOnAReadOnlyRoot()
    {
        var user = await images.Podman.RequireAsync(["top", _pod.Server, "huser", "user"]);
        var readOnly = await images.Podman.RequireAsync(["inspect", "--format", "{{.HostConfig.ReadonlyRootfs}}", _pod.Server]);

        Assert.Equal(["1654"], user.Split('\n').Skip(1).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0]).Distinct());
        Assert.Equal("true", readOnly);
    }

    [Fact]
    public async Task Pod_WorkloadWithAWrongToken_IsRefusedAndStsSeesNothing()
    {
        var result = await _pod.RunWorkloadAsync(token: "not-the-token");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("CredentialRetrievalError", result.Error, StringComparison.Ordinal);
        Assert.Contains("403", result.Error, StringComparison.Ordinal);
        Assert.Empty(_pod.Sts.AcceptedAccessKeys);
    }

    [Fact]
    public async Task ContainerOutsideThePod_WithTheToken_CannotReachTheServer()
    {
        // Its own network namespace, even one that reaches the host's loopback: the server is on the pod's 127.0.0.1.
        var result = await _pod.RunWorkloadAsync(network: "slirp4netns:allow_host_loopback=true");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("Could not connect to the endpoint URL: \"http://127.0.0.1:9911/v1/credentials\"", result.Error, StringComparison.Ordinal);
        Assert.Empty(_pod.Sts.AcceptedAccessKeys);
    }

    [Fact]
    public async Task ServerContainer_Sigterm_StopsCleanlyWithinTwoSeconds()
    {
        var stopwatch = Stopwatch.StartNew();
        // podman stop sends the image's STOPSIGNAL (SIGTERM) and would SIGKILL only after 10 s.
        await images.Podman.RequireAsync(["stop", "--time", "10", _pod.Server]);
        stopwatch.Stop();

        var exitCode = await images.Podman.RequireAsync(["inspect", "--format", "{{.State.ExitCode}}", _pod.Server]);
        Assert.Equal("0", exitCode);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(2), $"podman stop took {stopwatch.Elapsed.TotalSeconds:F1} s");
    }
}
