using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace OpenRolesAnywhere.Server.Logging;

/// <summary>
/// A client that sends its body too slowly, sends a broken one or goes away is the client's problem, not a
/// server error: it is answered (if still possible) with the status Kestrel chose, or 499 for a client
/// that left, and the request log writes one line at Debug (<see cref="ServerLogging.RequestLevel"/>), not an
/// error with stack traces for every such connection.
/// </summary>
internal static class ClientFailures
{
    /// <summary>nginx's code for "the client closed the request"; never sent, only logged.</summary>
    public const int ClientClosedRequest = 499;

    public static IApplicationBuilder UseClientFailures(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        try
        {
            await next(context);
        }
        catch (BadHttpRequestException e)
        {
            Answer(context, e.StatusCode);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException && context.RequestAborted.IsCancellationRequested)
        {
            Answer(context, ClientClosedRequest);
        }
    });

    private static void Answer(HttpContext context, int status)
    {
        if (!context.Response.HasStarted)
        {
            context.Response.StatusCode = status;
        }
    }
}
