using System.Text.RegularExpressions;
using Example = OpenRolesAnywhere.Core.Tests.SigV4.CreateSessionWorkedExample;

namespace OpenRolesAnywhere.Core.Tests.SigV4;

/// <summary>
/// docs/createsession.md quotes the worked example's files; these tests keep the quotes equal to the
/// files, which the worked-example tests keep equal to what Core produces.
/// </summary>
public sealed partial class CreateSessionDocTests
{
    private static string DocPath()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "OpenRolesAnywhere.sln")))
            {
                return Path.Combine(directory.FullName, "docs", "createsession.md");
            }
        }

        throw new InvalidOperationException($"No folder above {AppContext.BaseDirectory} holds OpenRolesAnywhere.sln.");
    }

    /// <summary>Each <c>&lt;!-- worked-example: FILE --&gt;</c> marker and the fenced block after it.</summary>
    private static Dictionary<string, List<string>> QuotedBlocks() =>
        QuotePattern().Matches(File.ReadAllText(DocPath()))
            .GroupBy(m => m.Groups["file"].Value, m => m.Groups["body"].Value)
            .ToDictionary(g => g.Key, g => g.ToList());

    private static string CertificateBase64()
    {
        using var certificate = Example.LoadCertificate();
        return Convert.ToBase64String(certificate.Leaf.RawData);
    }

    [Fact]
    public void Doc_WorkedExample_QuotesEveryExpectedFile()
    {
        var quoted = QuotedBlocks();

        Assert.All(Example.QuotedFiles, file => Assert.True(quoted.ContainsKey(file), $"docs/createsession.md quotes no {file}"));
        Assert.All(quoted.Keys, file => Assert.Contains(file, Example.QuotedFiles));
    }

    [Theory]
    [InlineData("expected-canonical-request.txt")]
    [InlineData("expected-string-to-sign.txt")]
    [InlineData("expected-signature.txt")]
    [InlineData("expected-authorization-header.txt")]
    [InlineData("expected-http-request.txt")]
    [InlineData("example-response.json")]
    public void Doc_QuotedBlock_EqualsTheTestDataFile(string file)
    {
        var expected = Example.ShortenCertificate(Example.Read(file), CertificateBase64());

        var blocks = QuotedBlocks().GetValueOrDefault(file) ?? [];

        Assert.NotEmpty(blocks);
        Assert.All(blocks, block => Assert.Equal(expected, block));
    }

    [Fact]
    public void ShortenCertificate_CanonicalRequest_KeepsTheEndsAndCountsTheRest()
    {
        var base64 = CertificateBase64();

        var shortened = Example.ShortenCertificate(Example.Read("expected-canonical-request.txt"), base64);

        Assert.DoesNotContain(base64, shortened, StringComparison.Ordinal);
        Assert.Contains($"x-amz-x509:{base64[..32]}<...{base64.Length - 48} base64 characters omitted...>{base64[^16..]}\n", shortened, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"<!-- worked-example: (?<file>[a-z0-9.-]+) -->\n```[a-z]*\n(?<body>.*?)\n```", RegexOptions.Singleline)]
    private static partial Regex QuotePattern();
}
