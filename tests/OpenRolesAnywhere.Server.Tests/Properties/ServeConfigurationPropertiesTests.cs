using CsCheck;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenRolesAnywhere.Server.Configuration;
using OpenRolesAnywhere.TestCommon.Properties;
using OpenRolesAnywhere.TestCommon;

namespace OpenRolesAnywhere.Server.Tests.Properties;

/// <summary>
/// Any --config file: serve either accepts it or refuses with a message for a person (what the CLI turns into
/// exit 2); never an exception <see cref="CredentialServer.DescribeStartFailure"/> cannot describe (exit 1).
/// </summary>
public sealed class ServeConfigurationPropertiesTests
{
    private static readonly string[] Fields =
    [
        "Name", "Certificate", "Intermediates", "TrustAnchorArn", "ProfileArn", "RoleArn", "SessionDuration", "RoleSessionName", "Region", "Endpoint", "Key", "Nope",
    ];

    private static readonly Gen<string> Scalar = Gen.Frequency(
        (4, ParserProperty.Text(24).Select(Json)),
        (1, Gen.Long.Select(l => l.ToString(System.Globalization.CultureInfo.InvariantCulture))),
        (1, Gen.Int[0, 7].Select(i => new[] { "null", "true", "[]", "{}", "\"arn:aws:iam::1:role/a\"", "\"3600\"", "\"us-east-1\"", "\"a\"" }[i])));

    private static readonly Gen<string> Source = Gen.Select(Gen.Int[0, Fields.Length - 1], Scalar).Array[0, 6]
        .Select(fields => "{" + string.Join(',', fields.DistinctBy(f => f.Item1).Select(f => Json(Fields[f.Item1]) + ":" + f.Item2)) + "}");

    private static readonly Gen<string> Config = Gen.Select(Source.Array[0, 3], Scalar, Gen.Int[0, 4], (sources, other, shape) => shape switch
    {
        0 => "{\"Sources\":[" + string.Join(',', sources) + "]}",
        1 => "{\"DefaultSource\":" + other + ",\"Sources\":[" + string.Join(',', sources) + "]}",
        2 => "{\"Sources\":" + other + "}",
        3 => "{" + Json("Sourcez") + ":" + other + "}",
        _ => "[" + other + "]",
    });

    [Fact]
    public void Bind_AnyConfigFile_IsAcceptedOrDescribedForAPerson()
    {
        using var temp = new TempDirectory();
        var directory = temp.Path;
        var path = Path.Combine(directory, "serve.json");
        ParserProperty.Holds(Config, json =>
        {
            File.WriteAllText(path, json);
            using var app = CredentialServer.Build(
                new ServeOptions { Listen = ["http://127.0.0.1:0"], TokenFile = Path.Combine(directory, "server.token"), UnixSocket = null, ConfigFile = path },
                _ => throw new InvalidOperationException("not started"));
            try
            {
                _ = app.Services.GetRequiredService<IOptions<ServeConfiguration>>().Value;
            }
            catch (Exception e) when (e is not OpenRolesAnywhere.Core.CredentialException)
            {
                var message = CredentialServer.DescribeStartFailure(e) ?? throw new InvalidOperationException($"undescribed {e.GetType().Name}: {e.Message}", e);
                throw new OpenRolesAnywhere.Core.CredentialException(OpenRolesAnywhere.Core.CredentialErrorKind.InvalidInput, message);
            }
        }, ParserProperty.Escaped, iterations: 200);
    }

    private static string Json(string text) => System.Text.Json.JsonSerializer.Serialize(text);
}
