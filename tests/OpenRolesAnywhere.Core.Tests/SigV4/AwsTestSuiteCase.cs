using System.Globalization;
using System.Text;
using System.Text.Json;
using OpenRolesAnywhere.Core.SigV4;

namespace OpenRolesAnywhere.Core.Tests.SigV4;

/// <summary>One folder of AWS's SigV4 test suite (TestData/aws-sigv4-test-suite, Apache-2.0, from aws-c-auth).</summary>
internal sealed class AwsTestSuiteCase
{
    public static readonly string Root = Path.Combine(AppContext.BaseDirectory, "TestData", "aws-sigv4-test-suite");

    private AwsTestSuiteCase(string name) => Name = name;

    public string Name { get; }

    public AwsCredentials Credentials { get; private set; } = null!;

    public CredentialScope Scope { get; private set; } = null!;

    public bool Normalize { get; private set; }

    public bool SignBody { get; private set; }

    public bool OmitSessionToken { get; private set; }

    public static IEnumerable<string> Names() =>
        Directory.GetDirectories(Root).Select(Path.GetFileName).Order(StringComparer.Ordinal)!;

    public static AwsTestSuiteCase Load(string name)
    {
        var result = new AwsTestSuiteCase(name);
        using var context = JsonDocument.Parse(System.IO.File.ReadAllText(result.File("context.json")));
        var root = context.RootElement;
        var credentials = root.GetProperty("credentials");
        result.Credentials = new AwsCredentials(
            credentials.GetProperty("access_key_id").GetString()!,
            credentials.GetProperty("secret_access_key").GetString()!,
            credentials.TryGetProperty("token", out var token) ? token.GetString() : null);
        result.Scope = new CredentialScope(
            DateTimeOffset.Parse(root.GetProperty("timestamp").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
            root.GetProperty("region").GetString()!,
            root.GetProperty("service").GetString()!);
        result.Normalize = root.GetProperty("normalize").GetBoolean();
        result.SignBody = root.GetProperty("sign_body").GetBoolean();
        result.OmitSessionToken = root.TryGetProperty("omit_session_token", out var omit) && omit.GetBoolean();
        return result;
    }

    public string Expected(string file) => System.IO.File.ReadAllText(File(file));

    /// <summary>Parses request.txt: request line, headers (indented lines continue a value), blank line, body.</summary>
    public (SignableRequest Request, byte[] Body) ParseRequest()
    {
        var text = System.IO.File.ReadAllText(File("request.txt"));
        var split = text.IndexOf("\n\n", StringComparison.Ordinal);
        var head = split < 0 ? text : text[..split];
        var body = split < 0 ? [] : Encoding.UTF8.GetBytes(text[(split + 2)..]);
        var lines = head.Split('\n');
        var requestLine = lines[0];
        var method = requestLine[..requestLine.IndexOf(' ', StringComparison.Ordinal)];
        var target = requestLine[(method.Length + 1)..requestLine.LastIndexOf(" HTTP/", StringComparison.Ordinal)];
        var queryStart = target.IndexOf('?', StringComparison.Ordinal);
        var request = new SignableRequest(method, queryStart < 0 ? target : target[..queryStart]);
        if (queryStart >= 0)
        {
            foreach (var pair in target[(queryStart + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var parts = pair.Split('=', 2);
                request.AddQuery(Uri.UnescapeDataString(parts[0]), Uri.UnescapeDataString(parts.Length > 1 ? parts[1] : ""));
            }
        }

        foreach (var line in lines.Skip(1))
        {
            if (line.Length > 0 && char.IsWhiteSpace(line[0]))
            {
                var (name, value) = request.Headers[^1];
                request.Headers[^1] = new(name, value + "\n" + line);
            }
            else if (line.Length > 0)
            {
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                request.AddHeader(line[..colon], line[(colon + 1)..]);
            }
        }

        request.SetBody(body);
        return (request, body);
    }

    private string File(string name) => Path.Combine(Root, Name, name);

    public override string ToString() => Name;
}
