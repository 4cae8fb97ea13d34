using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace OpenRolesAnywhere.TestCommon.LoopbackHost;

/// <summary>A real Kestrel on 127.0.0.1 with a port the OS picks, for the AWS doubles.</summary>
public static class LoopbackWebApp
{
    public static Task<(WebApplication App, Uri Endpoint)> StartAsync(Action<WebApplication> map) => StartAsync(_ => { }, map);

    public static async Task<(WebApplication App, Uri Endpoint)> StartAsync(Action<IServiceCollection> services, Action<WebApplication> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        services(builder.Services);
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return (app, new Uri(address));
    }
}
