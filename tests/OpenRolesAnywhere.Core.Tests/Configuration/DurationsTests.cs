using OpenRolesAnywhere.Core.Configuration;

namespace OpenRolesAnywhere.Core.Tests.Configuration;

public sealed class DurationsTests
{
    [Theory]
    [InlineData("3600", 3600)]
    [InlineData("3600s", 3600)]
    [InlineData("1h", 3600)]
    [InlineData("90m", 5400)]
    [InlineData("1h30m", 5400)]
    [InlineData("8760h", 31_536_000)]
    [InlineData("1.5h", 5400)]
    [InlineData(" 900 ", 900)]
    public void Parse_SecondsOrGoForm_GivesTheDuration(string text, long seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), Durations.Parse(text, "The duration"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("1 hour")]
    [InlineData("-5")]
    [InlineData("h")]
    [InlineData("10d")]
    public void Parse_NotADuration_SaysWhatForms_AreAccepted(string text)
    {
        var error = Assert.Throws<CredentialException>(() => Durations.Parse(text, "--session-duration"));

        Assert.Equal(CredentialErrorKind.InvalidInput, error.Kind);
        Assert.Contains("--session-duration", error.Message, StringComparison.Ordinal);
        Assert.Contains("1h30m", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("9223372036854775807s")]
    [InlineData("9223372036854775807")]
    [InlineData("1000000000000000")]
    [InlineData("99999999999h")]
    [InlineData("99999999999999999999999999999999h")]
    [InlineData("1000000000000000000000000000000000ns")]
    [InlineData("256204779h")]
    public void Parse_BeyondWhatATimeSpanHolds_IsAUsageErrorNotAnOverflow(string text)
    {
        var error = Assert.Throws<CredentialException>(() => Durations.Parse(text, "--session-duration"));

        Assert.Equal(CredentialErrorKind.InvalidInput, error.Kind);
        Assert.Contains("--session-duration", error.Message, StringComparison.Ordinal);
        Assert.Contains("too long", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\u0663s")]
    [InlineData("\u0663")]
    [InlineData("1\u0663h")]
    public void Parse_DigitsOfAnotherScript_IsAUsageErrorNotAFormatException(string text)
    {
        var error = Assert.Throws<CredentialException>(() => Durations.Parse(text, "--session-duration"));

        Assert.Equal(CredentialErrorKind.InvalidInput, error.Kind);
        Assert.Contains("--session-duration", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("99999999999999999999h")]
    [InlineData("9223372036854775807")]
    [InlineData("99999999999999999999999999999999h")]
    [InlineData("300000000h")]
    public void Parse_LongerThanATimeSpanHolds_InvalidInputNotOverflow(string text)
    {
        var error = Assert.Throws<CredentialException>(() => Durations.Parse(text, "validity"));

        Assert.Equal(CredentialErrorKind.InvalidInput, error.Kind);
        Assert.StartsWith($"validity '{text}' is far too long", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("30d", 30 * 86400)]
    [InlineData(" 7d ", 7 * 86400)]
    [InlineData("720h", 720 * 3600)]
    public void ParseWindow_DaysOrDuration_GivesTheDuration(string text, long seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), Durations.ParseWindow(text, "--expiring"));
    }

    [Theory]
    [InlineData("d", "is not a duration")]
    [InlineData("-3d", "is not a duration")]
    [InlineData("1.5d", "is not a duration")]
    [InlineData("99999d", "is far too long")]
    public void ParseWindow_BadDays_InvalidInputNamingTheFlag(string text, string said)
    {
        var error = Assert.Throws<CredentialException>(() => Durations.ParseWindow(text, "--expiring"));

        Assert.Equal(CredentialErrorKind.InvalidInput, error.Kind);
        Assert.StartsWith($"--expiring '{text}'", error.Message, StringComparison.Ordinal);
        Assert.Contains(said, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Null_IsAUsageErrorNotANullReference()
    {
        // Found by ServeConfigurationPropertiesTests: "SessionDuration": null in a serve config file.
        var error = Assert.Throws<CredentialException>(() => Durations.Parse(null, "SessionDuration"));
        Assert.Equal(CredentialErrorKind.InvalidInput, error.Kind);
        Assert.Contains("is not a duration", error.Message, StringComparison.Ordinal);
    }
}
