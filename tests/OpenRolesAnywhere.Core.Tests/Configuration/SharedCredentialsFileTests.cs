using OpenRolesAnywhere.Core.Configuration;
using OpenRolesAnywhere.Core.RolesAnywhere;
using OpenRolesAnywhere.TestCommon;

namespace OpenRolesAnywhere.Core.Tests.Configuration;

public sealed class SharedCredentialsFileTests : IDisposable
{
    private static readonly SessionCredentials Fresh = new("ASIANEW", "new/secret+", "new-token", DateTimeOffset.UnixEpoch, "arn:aws:iam::123456789012:role/r", null);
    private const string FreshLines = "aws_access_key_id = ASIANEW\naws_secret_access_key = new/secret+\naws_session_token = new-token\n";
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void WithProfile_EmptyFile_WritesTheSection()
    {
        Assert.Equal("[default]\n" + FreshLines, SharedCredentialsFile.WithProfile("", "default", Fresh));
    }

    [Fact]
    public void WithProfile_ProfileElsewhere_AppendsItAndKeepsEveryOtherLine()
    {
        const string Existing = "# header comment\n[default]\naws_access_key_id = AKIAKEEP\n; note\n";

        Assert.Equal(Existing + "\n[ora]\n" + FreshLines, SharedCredentialsFile.WithProfile(Existing, "ora", Fresh));
    }

    [Fact]
    public void WithProfile_ProfileExists_ReplacesItsKeysInPlaceAndLeavesTheRest()
    {
        const string Existing = "[ora]\n# why this profile\nAWS_ACCESS_KEY_ID=AKIAOLD\nregion = eu-west-1\naws_secret_access_key = old\naws_session_token = old-token\n\n[other]\naws_access_key_id = AKIAOTHER\n";

        var written = SharedCredentialsFile.WithProfile(Existing, "ora", Fresh);

        Assert.Equal("[ora]\n# why this profile\naws_access_key_id = ASIANEW\nregion = eu-west-1\naws_secret_access_key = new/secret+\naws_session_token = new-token\n\n[other]\naws_access_key_id = AKIAOTHER\n", written);
    }

    [Fact]
    public void WithProfile_SectionLacksSomeKeys_AddsThemBeforeTheBlankLineThatEndsIt()
    {
        const string Existing = "[ora]\nregion = eu-west-1\naws_access_key_id = AKIAOLD\n\n[other]\n# commented = out\n";

        var written = SharedCredentialsFile.WithProfile(Existing, "ora", Fresh);

        Assert.Equal("[ora]\nregion = eu-west-1\naws_access_key_id = ASIANEW\naws_secret_access_key = new/secret+\naws_session_token = new-token\n\n[other]\n# commented = out\n", written);
    }

    [Fact]
    public void WithProfile_KeyRepeated_KeptOnceWithTheNewValue()
    {
        var written = SharedCredentialsFile.WithProfile("[ora]\naws_session_token = a\naws_session_token = b\n", "ora", Fresh);

        Assert.Equal(1, written.Split("aws_session_token").Length - 1);
        Assert.Contains("aws_session_token = new-token\n", written, StringComparison.Ordinal);
        Assert.DoesNotContain("= a", written, StringComparison.Ordinal);
    }

    [Fact]
    public void WithProfile_CommentedKeyAndOtherProfileWithTheSamePrefix_AreLeftAlone()
    {
        const string Existing = "[ora-prod]\naws_access_key_id = AKIAPROD\n[ora]\n# aws_access_key_id = AKIACOMMENTED\n";

        var written = SharedCredentialsFile.WithProfile(Existing, "ora", Fresh);

        Assert.StartsWith("[ora-prod]\naws_access_key_id = AKIAPROD\n[ora]\n# aws_access_key_id = AKIACOMMENTED\naws_access_key_id = ASIANEW\n", written, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("a]b")]
    [InlineData("[a")]
    [InlineData("a\nb")]
    public void WithProfile_UnusableName_InvalidInput(string profile)
    {
        var e = Assert.Throws<CredentialException>(() => SharedCredentialsFile.WithProfile("", profile, Fresh));

        Assert.Equal(CredentialErrorKind.InvalidInput, e.Kind);
        Assert.Contains("--profile", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/srv/creds", "/srv/creds")]
    [InlineData("~/alt/creds", "/home/me/alt/creds")]
    [InlineData(null, "/home/me/.aws/credentials")]
    [InlineData("", "/home/me/.aws/credentials")]
    public void PathFrom_Variable_AsTheAwsClientsReadIt(string? variable, string expected)
    {
        var environment = new Dictionary<string, string?> { ["HOME"] = "/home/me", ["AWS_SHARED_CREDENTIALS_FILE"] = variable };

        Assert.Equal(expected, SharedCredentialsFile.PathFrom(name => environment.GetValueOrDefault(name)));
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void Write_WorldReadableFileInMissingFolder_Replaced0600()
    {
        var path = Path.Combine(_temp.File("aws"), "credentials");
        SharedCredentialsFile.Write(path, "default", Fresh);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        SharedCredentialsFile.Write(path, "second", Fresh);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal("[default]\n" + FreshLines + "\n[second]\n" + FreshLines, File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!));
    }
}
