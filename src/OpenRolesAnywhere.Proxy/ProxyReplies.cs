using Microsoft.AspNetCore.Http;

namespace OpenRolesAnywhere.Proxy;

/// <summary>The proxy's own answers (its refusals; the upstream's answers pass through untouched): plain text that says what to do.</summary>
internal static class ProxyReplies
{
    public static Task WriteAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync("openrolesanywhere proxy: " + message + "\n");
    }
}
