using System.Globalization;
using System.Text.Json;
using CsCheck;
using OpenRolesAnywhere.Cli.Commands;
using OpenRolesAnywhere.Core.RolesAnywhere;
using OpenRolesAnywhere.TestCommon.Properties;

namespace OpenRolesAnywhere.Cli.Tests.Properties;

/// <summary>The credential_process document always parses back to what was written, whatever the strings hold.</summary>
public sealed class CredentialProcessJsonPropertiesTests
{
    [Fact]
    public void Format_AnyCredentials_ParsesBackToTheSameValues() =>
        Gen.Select(ParserProperty.Text(40).Where(t => !t.Any(char.IsSurrogate)), ParserProperty.Text(60).Where(t => !t.Any(char.IsSurrogate)),
                ParserProperty.Text(200).Where(t => !t.Any(char.IsSurrogate)), Gen.Long[0, DateTimeOffset.MaxValue.ToUnixTimeSeconds()])
            .Sample((accessKeyId, secret, sessionToken, seconds) =>
            {
                var expiration = DateTimeOffset.FromUnixTimeSeconds(seconds);
                var json = CredentialProcessCommand.Format(new SessionCredentials(accessKeyId, secret, sessionToken, expiration, "arn:aws:iam::1:role/r", "arn:aws:sts::1:assumed-role/r/s"));

                using var document = JsonDocument.Parse(json);
                var root = document.RootElement;
                Assert.Equal(1, root.GetProperty("Version").GetInt32());
                Assert.Equal(accessKeyId, root.GetProperty("AccessKeyId").GetString());
                Assert.Equal(secret, root.GetProperty("SecretAccessKey").GetString());
                Assert.Equal(sessionToken, root.GetProperty("SessionToken").GetString());
                Assert.Equal(expiration, DateTimeOffset.ParseExact(root.GetProperty("Expiration").GetString()!, "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal));
                Assert.DoesNotContain('\n', json);
            }, iter: ParserProperty.Iterations, threads: 1, print: t => ParserProperty.Escaped(t.ToString()));
}
