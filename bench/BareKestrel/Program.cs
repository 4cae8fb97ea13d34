using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

// Usage: BareKestrel URL BODY_FILE TOKEN_FILE
var body = File.ReadAllBytes(args[1]);
var token = Encoding.UTF8.GetBytes(File.ReadAllText(args[2]));
var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.UseUrls(args[0]);
// serve sends no Server header either: the same bytes on the wire.
builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
var app = builder.Build();
app.Run(async context =>
{
    // The same check serve makes: the whole Authorization header against the token, in constant time.
    var authorization = Encoding.UTF8.GetBytes(context.Request.Headers.Authorization.ToString());
    if (context.Request.Path != "/v1/credentials" || !CryptographicOperations.FixedTimeEquals(authorization, token))
    {
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        return;
    }

    context.Response.ContentType = "application/json";
    context.Response.ContentLength = body.Length;
    await context.Response.Body.WriteAsync(body);
});
await app.RunAsync();
