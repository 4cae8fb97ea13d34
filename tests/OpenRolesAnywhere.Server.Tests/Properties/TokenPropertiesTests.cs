using CsCheck;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using OpenRolesAnywhere.Server.Imds;
using OpenRolesAnywhere.Server.Security;
using OpenRolesAnywhere.TestCommon.Properties;
using OpenRolesAnywhere.TestCommon;

namespace OpenRolesAnywhere.Server.Tests.Properties;

/// <summary>Tokens a client presents are outside input: any text is an answer (yes or no), never an exception.</summary>
public sealed class TokenPropertiesTests
{
    private static readonly Gen<string> Base64UrlChar = Gen.Int[0, 63].Select(i => "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"[i].ToString());

    [Fact]
    public void ImdsTokens_AnyText_IsRefusedWithoutAnException()
    {
        var tokens = new ImdsTokens(new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddYears(56)));

        ParserProperty.Holds(Gen.Frequency((3, ParserProperty.Text(60)), (2, Base64UrlChar.Array[44].Select(string.Concat))),
            text => Assert.False(tokens.IsValid(text)), ParserProperty.Escaped);
    }

    [Fact]
    public void ImdsTokens_IssuedTokenWithOneCharacterChanged_IsRefused()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddYears(56));
        var tokens = new ImdsTokens(time);

        // Changes within the base64url alphabet only: the '+' and '/' spellings are issue 10 item 10's (harden-server).
        Gen.Select(Gen.Int[1, ImdsTokens.MaximumTtlSeconds], Gen.Int[0, 43], Base64UrlChar).Sample((ttl, at, replacement) =>
        {
            var token = tokens.Issue(ttl);
            Assert.True(tokens.IsValid(token));
            var changed = token[..at] + replacement + token[(at + 1)..];
            Assert.Equal(changed == token, tokens.IsValid(changed));
        }, iter: ParserProperty.Iterations, threads: 1);
    }

    [Fact]
    public void ImdsTokens_Issued_ValidUntilItsTtlThenNot()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddYears(56));
        var tokens = new ImdsTokens(time);

        Gen.Int[1, ImdsTokens.MaximumTtlSeconds].Sample(ttl =>
        {
            var token = tokens.Issue(ttl);
            time.Advance(TimeSpan.FromSeconds(ttl - 1));
            var before = tokens.IsValid(token);
            time.Advance(TimeSpan.FromSeconds(1));
            return before && !tokens.IsValid(token);
        }, iter: 300, threads: 1);
    }

    [Fact]
    public void ServerToken_AnyPresentedText_MatchesOnlyTheToken()
    {
        using var temp = new TempDirectory();
        var directory = temp.Path;
        var path = Path.Combine(directory, "server.token");
        using var token = new ServerToken(path, NullLogger.Instance);
        var value = File.ReadAllText(path);

        ParserProperty.Holds(Gen.Frequency((3, ParserProperty.Text(80)), (1, Gen.Int[0, value.Length - 1].Select(n => value[..n])), (1, ParserProperty.Text(600))),
            text => Assert.False(token.Matches(text)), ParserProperty.Escaped);
        Assert.True(token.Matches(value));
    }
}
