using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.Core.Configuration;
using OpenRolesAnywhere.TestCommon;
using OpenRolesAnywhere.TestCommon.Credentials;

namespace OpenRolesAnywhere.Server.Tests;

public sealed partial class ContainerCredentialsTests : IAsyncLifetime
{
    private readonly TaskCompletionSource _coldHold = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private RunningServer _server = null!;

    /// <summary>"cold" starts with its first fetch held, so requests pile up on it; "locked" cannot sign.</summary>
    public async Task InitializeAsync() =>
        _server = await RunningServer.StartAsync(
            arrange: s =>
            {
                s["cold"].Hold = _coldHold;
                s["locked"].Failure = new CredentialException(CredentialErrorKind.KeyLocked, "The SSH agent is locked: unlock it with ssh-add -X.");
            },
            extraSources: ["other", "cold", "locked"]);

    public async Task DisposeAsync()
    {
        _coldHold.TrySetResult();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Get_WithToken_AnswersTheExactFieldsAndFormats()
    {
        using var response = await _server.Client.SendAsync(_server.ContainerRequest());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = json.RootElement;
        Assert.Equal(["AccessKeyId", "SecretAccessKey", "Token", "Expiration", "AccountId", "RoleArn"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(CountingCredentialSource.AccessKeyIdOf(1), root.GetProperty("AccessKeyId").GetString());
        Assert.Matches(UtcSeconds(), root.GetProperty("Expiration").GetString());
        Assert.Equal(CountingCredentialSource.AccountId, root.GetProperty("AccountId").GetString());
        Assert.Equal("arn:aws:iam::123456789012:role/default", root.GetProperty("RoleArn").GetString());
        Assert.True(root.GetProperty("SecretAccessKey").GetString()!.Length > 20);
        Assert.True(root.GetProperty("Token").GetString()!.Length > 20);
    }

    [Fact]
    public async Task Get_NamedSource_AnswersForThatSource()
    {
        using var response = await _server.Client.SendAsync(_server.ContainerRequest("/v1/credentials/other"));

        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("arn:aws:iam::123456789012:role/other", json.RootElement.GetProperty("RoleArn").GetString());
        Assert.Equal(1, _server.Sources["other"].Calls);
    }

    [Fact]
    public async Task Get_UnknownSource_Answers404InEverySdksErrorShape()
    {
        using var response = await _server.Client.SendAsync(_server.ContainerRequest("/v1/credentials/nope"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        await AssertErrorShapeAsync(response, "NotFound", "nope");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-token")]
    public async Task Get_UnknownSourceWithoutValidToken_RefusesWithoutListingSourceNames(string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/credentials/nosuch");
        if (token is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", token);
        }

        using var response = await _server.Client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(token is null ? HttpStatusCode.Unauthorized : HttpStatusCode.Forbidden, response.StatusCode);
        Assert.DoesNotContain("other", body, StringComparison.Ordinal);
        Assert.DoesNotContain("locked", body, StringComparison.Ordinal);
        Assert.DoesNotContain("nosuch", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_WithoutToken_Answers401()
    {
        using var response = await _server.Client.GetAsync("/v1/credentials");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        await AssertErrorShapeAsync(response, "Unauthorized", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
    }

    [Theory]
    [InlineData("wrong")]
    [InlineData("prefix")]
    [InlineData("suffix")]
    [InlineData("bearer")]
    [InlineData("empty-looking")]
    public async Task Get_WithWrongToken_Answers403(string variant)
    {
        var token = _server.Token;
        var presented = variant switch
        {
            "wrong" => new string('A', token.Length),
            "prefix" => token[..^1],
            "suffix" => token + "x",
            "bearer" => "Bearer " + token,
            _ => " ",
        };

        using var response = await _server.Client.SendAsync(_server.ContainerRequest(token: presented));

        Assert.True(response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized, $"got {response.StatusCode}");
        Assert.DoesNotContain("SecretAccessKey", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_WithTwoAuthorizationHeaders_Answers403()
    {
        using var request = _server.ContainerRequest();
        request.Headers.TryAddWithoutValidation("Authorization", "second");

        using var response = await _server.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Theory]
    [InlineData("\r")]
    [InlineData("\r\n ")]
    [InlineData("\r\n\t")]
    public async Task Get_TokenWithLineBreak_IsRefusedWithoutCredentials(string lineBreak)
    {
        // A bare CR, or a line break folded into the value (obs-fold); HttpClient refuses to send either, so the request is written by hand.
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, _server.BaseAddress.Port);
        var stream = tcp.GetStream();
        var request = $"GET /v1/credentials HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: {_server.Token}{lineBreak}\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));

        var answer = await new StreamReader(stream).ReadToEndAsync();

        Assert.StartsWith("HTTP/1.1 400", answer + " ", StringComparison.Ordinal);
        Assert.DoesNotContain("HTTP/1.1 200", answer, StringComparison.Ordinal);
        Assert.DoesNotContain("SecretAccessKey", answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_SourceFailing_Answers503WithKindAndReason()
    {
        using var response = await _server.Client.SendAsync(_server.ContainerRequest("/v1/credentials/locked"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        await AssertErrorShapeAsync(response, "KeyLocked", "The SSH agent is locked: unlock it with ssh-add -X.");
    }

    [Fact]
    public void TokenFile_Generated_IsPrivateWithoutTrailingNewline()
    {
        var token = File.ReadAllText(_server.TokenFile);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_server.TokenFile));
        Assert.Matches("^[A-Za-z0-9_-]{43}$", token);
    }

    [Fact]
    public async Task TokenFile_Rotated_NewTokenAcceptedOldRefused()
    {
        var old = _server.Token;
        SecretFile.WriteAtomically(_server.TokenFile, "rotated-token-0123456789");

        await Eventually.TrueAsync(() =>
        {
            using var response = _server.Client.Send(_server.ContainerRequest(token: "rotated-token-0123456789"));
            return response.StatusCode == HttpStatusCode.OK;
        }, "the rotated token was accepted");
        using var stale = await _server.Client.SendAsync(_server.ContainerRequest(token: old));

        Assert.Equal(HttpStatusCode.Forbidden, stale.StatusCode);
    }

    [Fact]
    public async Task TokenFile_RotatedToALooseFile_KeepsTheOldTokenAndWarns()
    {
        var old = _server.Token;
        var loose = Path.Combine(_server.Directory, "loose.token");
        File.WriteAllText(loose, "loose-token-0123456789");
        File.SetUnixFileMode(loose, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);

        File.Move(loose, _server.TokenFile, overwrite: true);

        await Eventually.TrueAsync(() => _server.Logs.Events.Any(e => e.Contains("Kept the previous server token", StringComparison.Ordinal) && e.Contains("chmod 600", StringComparison.Ordinal)), "the loose file was refused");
        using var stale = await _server.Client.SendAsync(_server.ContainerRequest(token: old));
        using var planted = await _server.Client.SendAsync(_server.ContainerRequest(token: "loose-token-0123456789"));
        Assert.Equal(HttpStatusCode.OK, stale.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, planted.StatusCode);
    }

    [Fact]
    public async Task Get_TwoHundredConcurrentColdRequests_OneFetch()
    {
        var source = _server.Sources["cold"];
        using var client = new HttpClient { BaseAddress = _server.BaseAddress };
        var token = _server.Token;
        var requests = Enumerable.Range(0, 200).Select(async _ =>
        {
            using var response = await client.SendAsync(_server.ContainerRequest("/v1/credentials/cold", token));
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            return json.RootElement.GetProperty("AccessKeyId").GetString();
        }).ToArray();
        await Eventually.TrueAsync(() => source.Calls == 1, "the warm-up fetch started");
        await Task.Delay(300);
        _coldHold.SetResult();

        var keys = await Task.WhenAll(requests);

        Assert.Equal(1, source.Calls);
        Assert.All(keys, k => Assert.Equal(CountingCredentialSource.AccessKeyIdOf(1), k));
    }

    internal static async Task AssertErrorShapeAsync(HttpResponseMessage response, string code, string messagePart)
    {
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = json.RootElement;
        Assert.Equal(code, root.GetProperty("code").GetString());
        Assert.Equal(code, root.GetProperty("Code").GetString());
        Assert.Contains(messagePart, root.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(root.GetProperty("message").GetString(), root.GetProperty("Message").GetString());
    }

    [GeneratedRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")]
    internal static partial Regex UtcSeconds();
}
