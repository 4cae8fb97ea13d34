using OpenRolesAnywhere.Fuzz;
using OpenRolesAnywhere.TestCommon.Properties;

namespace OpenRolesAnywhere.Cli.Tests.Properties;

/// <summary>
/// Every input in fuzz/corpus (seeds, and each finding once fixed) through the harness's own entry points:
/// a value or a CredentialException, never another exception, never a hang.
/// </summary>
public sealed class FuzzCorpusTests
{
    private static readonly string Root = Path.Combine(AppContext.BaseDirectory, "fuzz-corpus");

    public static TheoryData<string, string> Inputs()
    {
        var data = new TheoryData<string, string>();
        foreach (var target in FuzzTargets.Names)
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(Root, target)).Order(StringComparer.Ordinal))
            {
                data.Add(target, Path.GetFileName(file));
            }
        }

        return data;
    }

    [Fact]
    public void Corpus_EveryTarget_HasSeeds()
    {
        foreach (var target in FuzzTargets.Names)
        {
            Assert.True(Directory.EnumerateFiles(Path.Combine(Root, target)).Count() >= 5, $"fuzz/corpus/{target} has fewer than 5 seeds");
        }
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Corpus_Input_GivesAValueOrACredentialException(string target, string file)
    {
        var input = File.ReadAllBytes(Path.Combine(Root, target, file));

        ParserProperty.ValueOrCredentialException(() => FuzzTargets.Run(target, input));
    }
}
