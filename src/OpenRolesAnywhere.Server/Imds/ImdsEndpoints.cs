using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OpenRolesAnywhere.Core.Credentials;
using OpenRolesAnywhere.Server.Configuration;
using OpenRolesAnywhere.Server.Responses;
using OpenRolesAnywhere.Server.Security;

namespace OpenRolesAnywhere.Server.Imds;

/// <summary>
/// The EC2 instance metadata service, as far as SDKs use it for credentials (IMDSv2): a token PUT, then
/// GETs that carry it. <c>security-credentials-extended</c> is not implemented and answers 404, which
/// makes the SDKs that try it first fall back to the plain path.
/// </summary>
internal static class ImdsEndpoints
{
    public const string TokenTtlHeader = "X-aws-ec2-metadata-token-ttl-seconds";
    public const string TokenHeader = "X-aws-ec2-metadata-token";
    private const string CredentialsPath = "/latest/meta-data/iam/security-credentials";
    private const string TextContentType = "text/plain";

    public static IEndpointRouteBuilder MapImds(this IEndpointRouteBuilder app)
    {
        app.MapPut("/latest/api/token", IssueToken);
        // Routing matches each with and without a trailing slash (.NET asks without, others with).
        app.MapGet(CredentialsPath, (HttpContext context, CredentialSources sources, ImdsTokens tokens, ServeOptions options) =>
            Refusal(context, tokens, options) ?? Results.Text(sources.Default.Name, TextContentType, Encoding.UTF8));
        app.MapGet(CredentialsPath + "/{name}", CredentialsAsync);
        app.MapGet("/latest/meta-data/iam/info", InfoAsync);
        return app;
    }

    /// <summary>
    /// The instance profile description, which the .NET SDK reads before any credentials. Ours is named
    /// after the default source, in the account of its role.
    /// </summary>
    private static Task<IResult> InfoAsync(HttpContext context, CredentialSources sources, CredentialCache cache, ImdsTokens tokens, ServeOptions options)
    {
        if (Refusal(context, tokens, options) is { } refusal)
        {
            return Task.FromResult(refusal);
        }

        var name = sources.Default.Name;
        var id = "AIPA" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(name)))[..17];
        return Replies.FromCacheAsync(cache, sources.Default, cached => Replies.Ok(CredentialJson.Write(writer =>
        {
            writer.WriteString("Code", "Success");
            writer.WriteString("LastUpdated", CredentialTimestamp.Format(cached.ObtainedAt));
            writer.WriteString("InstanceProfileArn", $"arn:aws:iam::{cached.Credentials.AccountId}:instance-profile/{name}");
            writer.WriteString("InstanceProfileId", id);
        }), TextContentType), context.RequestAborted);
    }

    private static IResult IssueToken(HttpContext context, ImdsTokens tokens)
    {
        if (RemoteRefusal(context) is { } refusal)
        {
            return refusal;
        }

        // The real IMDS refuses proxied token requests (X-Forwarded-For): a hop through a proxy could hand the
        // token to someone else. Proxies spell it many ways; every spelling is refused.
        if (context.Request.Headers.Keys.FirstOrDefault(IsProxyHeader) is { } proxied)
        {
            return Results.Text($"Token requests that went through a proxy ({proxied}) are refused.", TextContentType, statusCode: StatusCodes.Status400BadRequest);
        }

        var ttl = context.Request.Headers[TokenTtlHeader];
        if (ttl.Count != 1 || !int.TryParse(ttl[0], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || seconds < 1 || seconds > ImdsTokens.MaximumTtlSeconds)
        {
            return Results.Text($"Send {TokenTtlHeader} with a whole number of seconds from 1 to {ImdsTokens.MaximumTtlSeconds}.", TextContentType, statusCode: StatusCodes.Status400BadRequest);
        }

        // The Go and Rust SDKs need the TTL echoed back.
        context.Response.Headers[TokenTtlHeader] = seconds.ToString(CultureInfo.InvariantCulture);
        return Results.Text(tokens.Issue(seconds), TextContentType);
    }

    /// <summary><c>Forwarded</c>, <c>Via</c>, any <c>*Forwarded*</c> and any <c>*-IP</c> (X-Real-IP, True-Client-IP, CF-Connecting-IP...).</summary>
    private static bool IsProxyHeader(string name) =>
        name.Equals("Via", StringComparison.OrdinalIgnoreCase)
        || name.Contains("Forwarded", StringComparison.OrdinalIgnoreCase)
        || name.EndsWith("-IP", StringComparison.OrdinalIgnoreCase);

    private static Task<IResult> CredentialsAsync(string name, HttpContext context, CredentialSources sources, CredentialCache cache, ImdsTokens tokens, ServeOptions options) =>
        Refusal(context, tokens, options) is { } refusal ? Task.FromResult(refusal)
        : sources.Named(name) is not { } source ? Task.FromResult(Results.NotFound())
        : Replies.FromCacheAsync(cache, source, cached => Replies.Ok(CredentialJson.Imds(cached), TextContentType), context.RequestAborted);

    /// <summary>A token is required (IMDSv2) unless <c>--imds-v1</c>; a token sent must be valid either way.</summary>
    private static IResult? Refusal(HttpContext context, ImdsTokens tokens, ServeOptions options)
    {
        if (RemoteRefusal(context) is { } remote)
        {
            return remote;
        }

        var token = context.Request.Headers[TokenHeader];
        var valid = token.Count == 1 && tokens.IsValid(token[0]);
        return valid || (token.Count == 0 && options.ImdsV1)
            ? null
            : Results.Text("Missing, expired or unknown IMDS session token: PUT /latest/api/token first.", TextContentType, statusCode: StatusCodes.Status401Unauthorized);
    }

    /// <summary>IMDS is for this machine only, over http or https alike; remote peers use the token-protected container endpoint.</summary>
    private static IResult? RemoteRefusal(HttpContext context) =>
        RequestGuard.IsRemotePeer(context)
            ? Results.Text("IMDS is served to this machine only; remote clients use the container-credentials endpoint with the token.", TextContentType, statusCode: StatusCodes.Status403Forbidden)
            : null;
}
