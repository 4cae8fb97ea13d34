using System.CommandLine;
using System.Reflection;
using System.Text.RegularExpressions;
using OpenRolesAnywhere.TestCommon;

namespace OpenRolesAnywhere.Cli.Tests;

/// <summary><c>--version</c> alone is answered before the command tree is built; it must say what the tree says.</summary>
public sealed class VersionTests
{
    private static readonly CliEnvironment Environment = new(_ => null, TimeProvider.System);

    [Theory]
    [InlineData("--version")]
    [InlineData("version")]
    public async Task Version_Alone_PrintsWhatTheCommandTreePrints(string argument)
    {
        using var tree = new StringWriter();
        var treeExit = await CliApplication.BuildRootCommand(Environment).Parse([argument])
            .InvokeAsync(new InvocationConfiguration { Output = tree, Error = TextWriter.Null });
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = await CliApplication.RunAsync([argument], output, error, Environment);

        Assert.Equal(0, treeExit);
        Assert.Equal(0, exit);
        Assert.Matches(@"^\d+\.\d+\.\d+", output.ToString());
        Assert.Equal(tree.ToString(), output.ToString());
        Assert.Empty(error.ToString());
    }

    [Fact]
    public async Task Version_WithACommand_IsParsedByTheTreeAndRefused()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = await CliApplication.RunAsync(["--version", "env"], output, error, Environment);

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Empty(output.ToString());
        Assert.Contains("--version option cannot be combined with other arguments", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Version_AsAProcess_PrintsTheCliAssemblysVersion()
    {
        var result = await CliExecutable.RunAsync(["--version"]);

        Assert.Equal(0, result.ExitCode);
        // The commit after '+' is the executable's own: it may have been published from an earlier commit than these tests.
        var version = typeof(CliApplication).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion.Split('+')[0];
        Assert.Matches($"^{Regex.Escape(version)}(\\+[0-9a-f]+)?\n$", result.Output);
        Assert.Empty(result.Error);
    }
}
