using System.CommandLine;
using System.Reflection;
using OpenRolesAnywhere.TestCommon;

namespace OpenRolesAnywhere.Cli.Tests;

/// <summary><c>--version</c> alone is answered before the command tree is built; it must say what the tree says.</summary>
public sealed class VersionTests
{
    private static readonly CliEnvironment Environment = new(_ => null, TimeProvider.System);

    [Fact]
    public async Task Version_Alone_PrintsWhatTheCommandTreePrints()
    {
        using var tree = new StringWriter();
        var treeExit = await CliApplication.BuildRootCommand(Environment).Parse(["--version"])
            .InvokeAsync(new InvocationConfiguration { Output = tree, Error = TextWriter.Null });
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = await CliApplication.RunAsync(["--version"], output, error, Environment);

        Assert.Equal(0, treeExit);
        Assert.Equal(0, exit);
        Assert.Matches(@"^\d+\.\d+\.\d+", output.ToString());
        Assert.Equal(tree.ToString(), output.ToString());
        Assert.Empty(error.ToString());
    }

    [Fact]
    public async Task Version_WithAnotherArgument_IsParsedByTheTreeAndRefused()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = await CliApplication.RunAsync(["--version", "--no-such-flag"], output, error, Environment);

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Empty(output.ToString());
        Assert.Contains("--no-such-flag", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Version_NativeExecutable_PrintsTheAssemblyVersion()
    {
        var result = await CliExecutable.RunAsync(["--version"]);

        Assert.Equal(0, result.ExitCode);
        var version = typeof(CliApplication).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;
        Assert.Equal(version + "\n", result.Output);
        Assert.Empty(result.Error);
    }
}
