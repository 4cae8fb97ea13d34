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
}
