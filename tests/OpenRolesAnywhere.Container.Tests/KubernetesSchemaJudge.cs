using System.Text.Json;
using OpenRolesAnywhere.TestCommon;

namespace OpenRolesAnywhere.Container.Tests;

/// <summary>
/// kubernetes-models from npm (Kubernetes' OpenAPI definitions compiled into ajv validators) and the yaml
/// parser, installed once under artifacts/, with kubernetes-judge.mjs: every document of the given files
/// parsed, and each Kubernetes object validated against its kind's API schema.
/// </summary>
public sealed class KubernetesSchemaJudge : IAsyncLifetime
{
    private static readonly string[] Packages = ["kubernetes-models@5.1.0", "yaml@2.9.1"];

    public string Directory { get; } = Path.Combine(ProcessRunner.RepositoryRoot(), "artifacts", "kubernetes-judge");

    private string Script => Path.Combine(Directory, "judge.mjs");

    public async Task InitializeAsync()
    {
        System.IO.Directory.CreateDirectory(Directory);
        if (!System.IO.Directory.Exists(Path.Combine(Directory, "node_modules", "kubernetes-models")) || !System.IO.Directory.Exists(Path.Combine(Directory, "node_modules", "yaml")))
        {
            var install = await ProcessRunner.RunAsync("npm", ["install", "--no-audit", "--no-fund", "--prefix", Directory, .. Packages], timeout: TimeSpan.FromMinutes(3));
            Assert.True(install.ExitCode == 0, "npm install failed: " + install.Error);
        }

        // Beside node_modules, so its imports resolve there.
        File.Copy(Path.Combine(AppContext.BaseDirectory, "kubernetes-judge.mjs"), Script, overwrite: true);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>One entry per YAML document: file, object (as JSON), schema (apiVersion/kind, null for non-Kubernetes files), error.</summary>
    public async Task<JsonElement[]> JudgeAsync(params string[] files)
    {
        var result = await ProcessRunner.RunAsync("node", [Script, .. files]);
        Assert.True(result.ExitCode == 0, "the judge failed: " + result.Error);
        using var document = JsonDocument.Parse(result.Output);
        return document.RootElement.EnumerateArray().Select(e => e.Clone()).ToArray();
    }
}
