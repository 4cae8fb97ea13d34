using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using OpenRolesAnywhere.TestCommon.FakeRolesAnywhere;
using OpenRolesAnywhere.TestCommon.LoopbackHost;

namespace OpenRolesAnywhere.TestCommon.FakeSts;

/// <summary>
/// STS <c>GetCallerIdentity</c> on 127.0.0.1 that accepts only requests signed (SigV4 HMAC, checked
/// independently of the product) with credentials the fake Roles Anywhere issued, token included. A real
/// AWS client calling it proves the credentials it got from us are whole and usable.
/// </summary>
public sealed partial class FakeStsServer : IAsyncDisposable
{
    private readonly Func<IEnumerable<IssuedSession>> _issued;
    private WebApplication _app = null!;

    private FakeStsServer(Func<IEnumerable<IssuedSession>> issued)
    {
        _issued = issued;
    }

    public Uri Endpoint { get; private set; } = null!;

    /// <summary>Access key ids of the callers STS accepted.</summary>
    public List<string> AcceptedAccessKeys { get; } = [];

    public static async Task<FakeStsServer> StartAsync(Func<IEnumerable<IssuedSession>> issued)
    {
        var server = new FakeStsServer(issued);
        (server._app, server.Endpoint) = await LoopbackWebApp.StartAsync(app => app.MapPost("/", server.HandleAsync));
        return server;
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        var body = buffer.ToArray();
        var auth = AuthorizationPattern().Match(context.Request.Headers.Authorization.ToString());
        var session = auth.Success ? _issued().FirstOrDefault(s => s.AccessKeyId == auth.Groups["key"].Value) : null;
        if (session is null || context.Request.Headers["X-Amz-Security-Token"] != session.SessionToken)
        {
            await ErrorAsync(context, "InvalidClientTokenId", "The security token included in the request is invalid.");
            return;
        }

        var signedHeaders = auth.Groups["signed"].Value.Split(';');
        var canonical = IndependentSigV4.CanonicalRequest(context.Request.Method, context.Request.Path.Value ?? "/", context.Request.QueryString.Value ?? "",
            signedHeaders, name => name == "host" ? [context.Request.Host.Value ?? ""] : context.Request.Headers[name].Select(v => v ?? "").ToList(), body);
        var scope = $"{auth.Groups["date"].Value}/{auth.Groups["region"].Value}/sts/aws4_request";
        var stringToSign = $"AWS4-HMAC-SHA256\n{context.Request.Headers["X-Amz-Date"]}\n{scope}\n{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))}";
        var key = Encoding.UTF8.GetBytes("AWS4" + session.SecretAccessKey);
        foreach (var part in new[] { auth.Groups["date"].Value, auth.Groups["region"].Value, "sts", "aws4_request" })
        {
            key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(part));
        }

        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(auth.Groups["signature"].Value))
            || !Encoding.UTF8.GetString(body).Contains("Action=GetCallerIdentity", StringComparison.Ordinal))
        {
            await ErrorAsync(context, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided.");
            return;
        }

        lock (AcceptedAccessKeys)
        {
            AcceptedAccessKeys.Add(session.AccessKeyId);
        }

        context.Response.ContentType = "text/xml";
        await context.Response.WriteAsync(string.Create(CultureInfo.InvariantCulture, $"""
            <GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
              <GetCallerIdentityResult>
                <Arn>arn:aws:sts::{FakeRolesAnywhereServer.Account}:assumed-role/workload/{session.SerialNumber}</Arn>
                <UserId>AROAEXAMPLE:{session.SerialNumber}</UserId>
                <Account>{FakeRolesAnywhereServer.Account}</Account>
              </GetCallerIdentityResult>
              <ResponseMetadata><RequestId>{Guid.NewGuid()}</RequestId></ResponseMetadata>
            </GetCallerIdentityResponse>
            """));
    }

    private static Task ErrorAsync(HttpContext context, string code, string message)
    {
        context.Response.StatusCode = 403;
        context.Response.ContentType = "text/xml";
        return context.Response.WriteAsync($"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error></ErrorResponse>");
    }

    [GeneratedRegex(@"^AWS4-HMAC-SHA256 Credential=(?<key>[A-Z0-9]+)/(?<date>\d{8})/(?<region>[a-z0-9-]+)/sts/aws4_request, ?SignedHeaders=(?<signed>[a-z0-9;-]+), ?Signature=(?<signature>[0-9a-f]{64})$")]
    private static partial Regex AuthorizationPattern();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
