using System.Diagnostics;
using OpenRolesAnywhere.TestCommon;
using OpenRolesAnywhere.TestCommon.FakeRolesAnywhere;
using OpenRolesAnywhere.TestCommon.SshAgent;
using Xunit.Abstractions;

namespace OpenRolesAnywhere.AwsSdk.Tests;

/// <summary>
/// What a user gets from <c>dotnet add package</c>: the packages packed from this build into a folder, and an
/// application outside the repository (the sample's Program.cs) restoring them from there plus the usual sources,
/// built and run against the fakes.
/// </summary>
[Collection(ProcessEnvironment.Name)]
public sealed class PackedPackageTests : IClassFixture<SshAgentFixture>, IAsyncLifetime
{
    private static readonly string[] Packed = ["OpenRolesAnywhere.Core", "OpenRolesAnywhere.Signers.SshAgent", "OpenRolesAnywhere.Signers.Pkcs11", "OpenRolesAnywhere.AwsSdk"];
    private readonly SshAgentFixture _agent;
    private readonly ITestOutputHelper _output;
    private SdkWorld _world = null!;

    public PackedPackageTests(SshAgentFixture agent, ITestOutputHelper output)
    {
        _agent = agent;
        _output = output;
    }

    public async Task InitializeAsync()
    {
        _world = await SdkWorld.StartAsync();
        // The app runs on the real clock, minutes after the world started: the service's clock is the real one too.
        _world.RolesAnywhere.Time = TimeProvider.System;
    }

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task SampleApp_ReferencingThePackedPackage_GetsWorkingCredentials()
    {
        var clock = Stopwatch.StartNew();
        var root = ProcessRunner.RepositoryRoot();
        var feed = Directory.CreateDirectory(Path.Combine(_world.Temp.Path, "feed")).FullName;
        // A version of its own: the global packages folder never hands back a package packed by an earlier run.
        var version = $"0.0.0-test.{DateTime.UtcNow:yyyyMMddHHmmssfff}";
        foreach (var project in Packed)
        {
            var pack = await ProcessRunner.RunAsync("dotnet",
                ["pack", Path.Combine(root, "src", project, project + ".csproj"), "--no-build", "-c", Configuration, "-o", feed, "-p:PackageVersion=" + version],
                timeout: TimeSpan.FromMinutes(3));
            Assert.True(pack.ExitCode == 0, pack.Output + pack.Error);
        }

        _output.WriteLine($"packed in {clock.Elapsed}");
        using (var package = System.IO.Compression.ZipFile.OpenRead(Path.Combine(feed, $"OpenRolesAnywhere.AwsSdk.{version}.nupkg")))
        {
            Assert.Contains(package.Entries, entry => entry.FullName == "README.md");
            using var nuspec = new StreamReader(package.Entries.Single(entry => entry.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
            var manifest = await nuspec.ReadToEndAsync();
            Assert.Contains("<readme>README.md</readme>", manifest, StringComparison.Ordinal);
            Assert.Contains($"<dependency id=\"OpenRolesAnywhere.Core\" version=\"{version}\"", manifest, StringComparison.Ordinal);
            Assert.Contains("<dependency id=\"AWSSDK.Core\" version=\"4.1.0\"", manifest, StringComparison.Ordinal);
        }

        var app = WriteApp(root, feed, version);
        var certificate = _world.Issue(_agent.EcdsaP256.PublicKey!);

        try
        {
            var run = await ProcessRunner.RunAsync("dotnet",
                ["run", "--project", app, "--", "--RolesAnywhere:Certificate=" + certificate, "--RolesAnywhere:PrivateKey=" + _agent.EcdsaP256.PrivateKeyPath,
                    "--RolesAnywhere:RoleArn=" + FakeRolesAnywhereServer.RoleArn, "--RolesAnywhere:Endpoint=" + _world.RolesAnywhere.Endpoint],
                new Dictionary<string, string?>
                {
                    ["AWS_REGION"] = FakeRolesAnywhereServer.Region,
                    ["AWS_ENDPOINT_URL_STS"] = _world.Sts.Endpoint.ToString(),
                    ["NUGET_PACKAGES"] = null,
                    ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
                },
                TimeSpan.FromMinutes(8), app);
            _output.WriteLine($"restored, built and ran in {clock.Elapsed}");

            Assert.True(run.ExitCode == 0, run.Output + run.Error);
            Assert.Contains($"Account: {FakeRolesAnywhereServer.Account}", run.Output, StringComparison.Ordinal);
            Assert.Equal(Assert.Single(_world.RolesAnywhere.Issued).AccessKeyId, Assert.Single(_world.Sts.AcceptedAccessKeys));
        }
        finally
        {
            DeleteRestoredPackages(version);
        }
    }

    private static string Configuration =>
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    /// <summary>The sample's Program.cs in a project of its own, outside the repository (no central versions, no project references).</summary>
    private string WriteApp(string root, string feed, string version)
    {
        var app = Directory.CreateDirectory(Path.Combine(_world.Temp.Path, "app")).FullName;
        File.Copy(Path.Combine(root, "samples", "RolesAnywhere.Sample", "Program.cs"), Path.Combine(app, "Program.cs"));
        File.WriteAllText(Path.Combine(app, "App.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="OpenRolesAnywhere.AwsSdk" Version="{version}" />
                <PackageReference Include="AWSSDK.SecurityToken" Version="4.0.101.10" />
                <PackageReference Include="AWSSDK.Extensions.NETCore.Setup" Version="4.0.102.10" />
                <PackageReference Include="Microsoft.Extensions.Hosting" Version="10.0.14" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="packed" value="{feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
            </configuration>
            """);
        // Keeps the repository's Directory.Build.props and central versions away, as for any user's project.
        File.WriteAllText(Path.Combine(app, "Directory.Build.props"), "<Project />");
        File.WriteAllText(Path.Combine(app, "Directory.Packages.props"), "<Project />");
        return app;
    }

    private static void DeleteRestoredPackages(string version)
    {
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (var project in Packed)
        {
            var restored = Path.Combine(packages, project.ToLowerInvariant(), version);
            if (Directory.Exists(restored))
            {
                Directory.Delete(restored, recursive: true);
            }
        }
    }
}
