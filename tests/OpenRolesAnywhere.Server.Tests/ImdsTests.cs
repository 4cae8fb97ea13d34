using Microsoft.Extensions.Time.Testing;
using OpenRolesAnywhere.TestCommon.Credentials;

namespace OpenRolesAnywhere.Server.Tests;

public sealed class ImdsTests : IAsyncLifetime
{
    private const string TtlHeader = "X-aws-ec2-metadata-token-ttl-seconds";
    private const string TokenHeader = "X-aws-ec2-metadata-token";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 24, 5, 0, 0, TimeSpan.Zero));
    private RunningServer _server = null!;

    public async Task InitializeAsync() => _server = await RunningServer.StartAsync(_time);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task TokenPut_ValidTtl_AnswersTokenAndEchoesTtl()
    {
        using var response = await PutTokenAsync("21600");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("21600", Assert.Single(response.Headers.GetValues(TtlHeader)));
        Assert.Matches("^[A-Za-z0-9_-]{44}$", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("0")]
    [InlineData("21601")]
    [InlineData("-1")]
    [InlineData("abc")]
    [InlineData("1.5")]
    [InlineData("")]
    [InlineData("99999999999999999999")]
    public async Task TokenPut_MissingOrOutOfRangeTtl_Answers400(string? ttl)
    {
        using var response = await PutTokenAsync(ttl);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(response.Headers.Contains(TtlHeader));
    }

    [Fact]
    public async Task TokenPut_WithXForwardedFor_Answers400()
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, "/latest/api/token");
        request.Headers.Add(TtlHeader, "60");
        request.Headers.Add("X-Forwarded-For", "203.0.113.7");

        using var response = await _server.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotMatch("^[A-Za-z0-9_-]{44}$", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("Forwarded", "for=203.0.113.7")]
    [InlineData("X-Real-IP", "203.0.113.7")]
    [InlineData("X-Forwarded-Host", "example.com")]
    [InlineData("X-Forwarded-Proto", "https")]
    [InlineData("X-Forwarded-Port", "443")]
    [InlineData("X-Client-IP", "203.0.113.7")]
    [InlineData("True-Client-IP", "203.0.113.7")]
    [InlineData("X-Cluster-Client-IP", "203.0.113.7")]
    [InlineData("CF-Connecting-IP", "203.0.113.7")]
    [InlineData("Fastly-Client-IP", "203.0.113.7")]
    [InlineData("X-Original-Forwarded-For", "203.0.113.7")]
    [InlineData("Via", "1.1 proxy")]
    [InlineData("x-real-ip", "203.0.113.7")]
    public async Task TokenPut_WithAnyProxyHeader_Answers400(string header, string value)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, "/latest/api/token");
        request.Headers.Add(TtlHeader, "60");
        request.Headers.TryAddWithoutValidation(header, value);

        using var response = await _server.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotMatch("^[A-Za-z0-9_-]{44}$", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("standard alphabet")]
    [InlineData("padded")]
    [InlineData("whitespace")]
    public async Task Credentials_TokenInAnotherEncoding_Answers401(string encoding)
    {
        // Issue until the token has a '-' or '_' to re-encode, so the standard alphabet differs from it.
        var token = await TokenAsync();
        while (encoding == "standard alphabet" && !token.Contains('-', StringComparison.Ordinal) && !token.Contains('_', StringComparison.Ordinal))
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            token = await TokenAsync();
        }

        var presented = encoding switch
        {
            "standard alphabet" => token.Replace('-', '+').Replace('_', '/'),
            "padded" => token + "====",
            _ => token[..20] + " " + token[20..],
        };

        using var response = await GetAsync("/latest/meta-data/iam/security-credentials/default", presented);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.DoesNotContain("SecretAccessKey", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokenGet_WrongMethod_Answers405()
    {
        using var response = await _server.Client.GetAsync("/latest/api/token");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }

    [Theory]
    [InlineData("/latest/meta-data/iam/security-credentials")]
    [InlineData("/latest/meta-data/iam/security-credentials/")]
    public async Task RoleList_BothSlashForms_AnswerTheRoleWithoutNewline(string path)
    {
        using var response = await GetAsync(path, await TokenAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("default", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/latest/meta-data/iam/security-credentials/default")]
    [InlineData("/latest/meta-data/iam/security-credentials/default/")]
    public async Task Credentials_BothSlashForms_AnswerCodeSuccessAndExactFields(string path)
    {
        using var response = await GetAsync(path, await TokenAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = json.RootElement;
        Assert.Equal(["Code", "LastUpdated", "Type", "AccessKeyId", "SecretAccessKey", "Token", "Expiration"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("Success", root.GetProperty("Code").GetString());
        Assert.Equal("AWS-HMAC", root.GetProperty("Type").GetString());
        Assert.Equal(CountingCredentialSource.AccessKeyIdOf(1), root.GetProperty("AccessKeyId").GetString());
        Assert.Equal("2026-11-24T05:00:00Z", root.GetProperty("LastUpdated").GetString());
        Assert.Equal("2026-11-24T06:00:00Z", root.GetProperty("Expiration").GetString());
    }

    [Fact]
    public async Task Info_WithToken_DescribesAnInstanceProfileInTheRolesAccount()
    {
        using var response = await GetAsync("/latest/meta-data/iam/info", await TokenAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = json.RootElement;
        Assert.Equal("Success", root.GetProperty("Code").GetString());
        Assert.Equal("2026-11-24T05:00:00Z", root.GetProperty("LastUpdated").GetString());
        Assert.Equal("arn:aws:iam::123456789012:instance-profile/default", root.GetProperty("InstanceProfileArn").GetString());
        Assert.Matches("^AIPA[0-9A-F]{17}$", root.GetProperty("InstanceProfileId").GetString());
    }

    [Fact]
    public async Task Info_WithoutToken_Answers401()
    {
        using var response = await GetAsync("/latest/meta-data/iam/info", null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Credentials_DoubledSlashes_AreServedAsTheDotNetSdkSendsThem()
    {
        using var response = await GetAsync(_server.BaseAddress.ToString().TrimEnd('/') + "//latest/meta-data/iam/security-credentials/", await TokenAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("default", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Credentials_UnknownRole_Answers404()
    {
        using var response = await GetAsync("/latest/meta-data/iam/security-credentials/nobody", await TokenAsync());

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("made-up")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task Credentials_MissingOrUnknownToken_Answers401(string? token)
    {
        using var list = await GetAsync("/latest/meta-data/iam/security-credentials/", token);
        using var credentials = await GetAsync("/latest/meta-data/iam/security-credentials/default", token);

        Assert.Equal(HttpStatusCode.Unauthorized, list.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, credentials.StatusCode);
        Assert.DoesNotContain("SecretAccessKey", await credentials.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Credentials_TokenPastItsTtl_Answers401()
    {
        var token = await TokenAsync("2");
        using var fresh = await GetAsync("/latest/meta-data/iam/security-credentials/", token);
        _time.Advance(TimeSpan.FromSeconds(2));

        using var stale = await GetAsync("/latest/meta-data/iam/security-credentials/", token);

        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, stale.StatusCode);
    }

    [Fact]
    public async Task Credentials_TokenWithAlteredExpiry_Answers401()
    {
        var token = await TokenAsync("60");
        var bytes = Convert.FromBase64String(token.Replace('-', '+').Replace('_', '/'));
        bytes[7] ^= 0x7f;
        var forged = Convert.ToBase64String(bytes).Replace('+', '-').Replace('/', '_');

        using var response = await GetAsync("/latest/meta-data/iam/security-credentials/", forged);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("/latest/meta-data/iam/security-credentials-extended/")]
    [InlineData("/latest/meta-data/iam/security-credentials-extended/default")]
    public async Task Extended_WithOrWithoutToken_Answers404NotUnauthorized(string path)
    {
        using var without = await GetAsync(path, null);
        using var with = await GetAsync(path, await TokenAsync());

        Assert.Equal(HttpStatusCode.NotFound, without.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, with.StatusCode);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/latest/meta-data/")]
    [InlineData("/v2/credentials")]
    [InlineData("/v1/credentials/default/extra")]
    public async Task UnknownPath_Answers404(string path)
    {
        using var response = await GetAsync(path, await TokenAsync());

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task ImdsV1Flag_GetWithoutToken_AnswersButBadTokenStillRefused()
    {
        await using var v1 = await RunningServer.StartAsync(_time, (d, c) => RunningServer.OptionsIn(d, imdsV1: true, configFile: c));

        using var without = await v1.Client.GetAsync("/latest/meta-data/iam/security-credentials/default");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/latest/meta-data/iam/security-credentials/default");
        request.Headers.Add(TokenHeader, "made-up");
        using var bad = await v1.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, without.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, bad.StatusCode);
    }

    private async Task<HttpResponseMessage> PutTokenAsync(string? ttl)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, "/latest/api/token");
        if (ttl is not null)
        {
            request.Headers.TryAddWithoutValidation(TtlHeader, ttl);
        }

        return await _server.Client.SendAsync(request);
    }

    private async Task<string> TokenAsync(string ttl = "21600")
    {
        using var response = await PutTokenAsync(ttl);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync();
    }

    private async Task<HttpResponseMessage> GetAsync(string path, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null)
        {
            request.Headers.TryAddWithoutValidation(TokenHeader, token);
        }

        return await _server.Client.SendAsync(request);
    }
}
