using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.Server.Hosting;
using OpenRolesAnywhere.TestCommon;
using OpenRolesAnywhere.TestCommon.Credentials;
using OpenRolesAnywhere.TestCommon.LoopbackHost;

namespace OpenRolesAnywhere.Server.Tests;

/// <summary>
/// The extension point <c>serve --admin-listen</c> plugs into, judged with a listener of the test's own: its
/// routes answer only on its socket, the credential listener knows nothing of its prefix, and each listener
/// keeps its own body limit and error style.
/// </summary>
public sealed class SideListenerTests : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly TestSideListener _side = new(FreePort.Next());
    private readonly HttpClient _http = new();
    private WebApplication _app = null!;
    private Uri _credentials = null!;
    private Uri _sideBase = null!;

    public async Task InitializeAsync()
    {
        var source = new CountingCredentialSource(TimeProvider.System);
        _app = CredentialServer.Build(RunningServer.OptionsIn(_directory.Path), _ => source, sideListeners: [_side]);
        await _app.StartAsync();
        _sideBase = new Uri(_side.Address.Url);
        _credentials = new Uri(_app.Urls.First(u => new Uri(u).Port != _sideBase.Port));
    }

    public void Dispose()
    {
        _http.Dispose();
        _directory.Dispose();
    }

    public async Task DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task SideRoute_OnEachListener_AnswersOnlyOnItsOwnSocket()
    {
        using var onSide = await _http.PostAsync(new Uri(_sideBase, "/side/echo"), new StringContent("hello"));
        using var onCredentials = await _http.PostAsync(new Uri(_credentials, "/side/echo"), new StringContent("hello"));
        using var wrongMethodOnCredentials = await _http.DeleteAsync(new Uri(_credentials, "/side/echo"));
        using var credentialRouteOnSide = await _http.GetAsync(new Uri(_sideBase, "/healthz"));

        Assert.Equal(HttpStatusCode.OK, onSide.StatusCode);
        Assert.Equal("hello", await onSide.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, onCredentials.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, wrongMethodOnCredentials.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, credentialRouteOnSide.StatusCode);
        Assert.Equal("side 404: This listener serves only the /side routes.", await credentialRouteOnSide.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Body_BetweenTheLimits_TakenBySideRefusedByCredentialListener()
    {
        var body = new string('a', 4 * 1024);

        using var onSide = await _http.PostAsync(new Uri(_sideBase, "/side/echo"), new StringContent(body));
        using var tooLargeOnSide = await _http.PostAsync(new Uri(_sideBase, "/side/echo"), new StringContent(body + body + body));
        using var onCredentials = await _http.PostAsync(new Uri(_credentials, "/side/echo"), new StringContent(body));

        Assert.Equal(HttpStatusCode.OK, onSide.StatusCode);
        Assert.Equal(body.Length, (await onSide.Content.ReadAsStringAsync()).Length);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLargeOnSide.StatusCode);
        Assert.StartsWith("side 413:", await tooLargeOnSide.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, onCredentials.StatusCode);
        Assert.Equal("application/json", onCredentials.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public void Build_SideListenerRefusesItsAddress_NothingBuilt()
    {
        var refusing = new TestSideListener(FreePort.Next()) { Refusal = "no such address" };

        var error = Assert.Throws<CredentialException>(() => CredentialServer.Build(RunningServer.OptionsIn(_directory.Path), _ => throw new InvalidOperationException(), sideListeners: [refusing]));

        Assert.Equal("no such address", error.Message);
    }

    [Fact]
    public void Build_SideListenerOnHttps_IsRefusedAsOnlyCredentialListenersServeTls()
    {
        var https = new TestSideListener(FreePort.Next(), "https");

        var error = Assert.Throws<CredentialException>(() => CredentialServer.Build(RunningServer.OptionsIn(_directory.Path), _ => throw new InvalidOperationException(), sideListeners: [https]));

        Assert.Equal(CredentialErrorKind.InvalidInput, error.Kind);
        Assert.Contains(https.Address.Url, error.Message, StringComparison.Ordinal);
        Assert.Contains("only the credential listeners (--listen) serve https", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongMethod_OnTheOnlySideListener_Answers405InItsOwnStyle()
    {
        using var wrongMethod = await _http.DeleteAsync(new Uri(_sideBase, "/side/echo"));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongMethod.StatusCode);
        Assert.Equal("side 405: DELETE is not allowed on this path: it takes POST.", await wrongMethod.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task WrongMethod_BesideACatchAllListener_Answers405InTheListenersOwnStyle()
    {
        var side = new TestSideListener(FreePort.Next());
        var catchAll = new TestSideListener(FreePort.Next()) { CatchAll = true };
        using var directory = new TempDirectory();
        await using var app = CredentialServer.Build(RunningServer.OptionsIn(directory.Path), _ => new CountingCredentialSource(TimeProvider.System), sideListeners: [side, catchAll]);
        await app.StartAsync();
        var sideBase = new Uri(side.Address.Url);
        var catchAllBase = new Uri(catchAll.Address.Url);

        using var wrongMethod = await _http.DeleteAsync(new Uri(sideBase, "/side/echo"));
        using var unknownPath = await _http.GetAsync(new Uri(sideBase, "/side/nothing"));
        using var onCatchAll = await _http.DeleteAsync(new Uri(catchAllBase, "/side/echo"));
        using var wrongMethodOnCredentials = await _http.DeleteAsync(new Uri(new Uri(app.Urls.First(u => new Uri(u).Port != sideBase.Port && new Uri(u).Port != catchAllBase.Port)), "/side/echo"));
        await app.StopAsync();

        Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongMethod.StatusCode);
        Assert.Equal("side 405: DELETE is not allowed on this path: it takes POST.", await wrongMethod.Content.ReadAsStringAsync());
        Assert.Equal("POST", wrongMethod.Content.Headers.Allow.Single());
        Assert.Equal(HttpStatusCode.NotFound, unknownPath.StatusCode);
        Assert.Equal(HttpStatusCode.OK, onCatchAll.StatusCode);
        Assert.Equal("caught DELETE /side/echo", await onCatchAll.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, wrongMethodOnCredentials.StatusCode);
    }

    private sealed class TestSideListener(int port, string scheme = "http") : ISideListener
    {
        public string? Refusal { get; init; }

        public ListenAddress Address { get; } = ListenAddress.Parse($"{scheme}://127.0.0.1:{port}");

        /// <summary>Like the signing proxy: every path and method, on its own socket only.</summary>
        public bool CatchAll { get; init; }

        public string? PathPrefix => CatchAll ? null : "/side";

        public long MaxRequestBytes => 8 * 1024;

        public void Validate(ServeOptions options, IReadOnlyList<ListenAddress> credentialAddresses)
        {
            if (Refusal is not null)
            {
                throw new CredentialException(CredentialErrorKind.InvalidInput, Refusal);
            }
        }

        public void AddServices(IServiceCollection services)
        {
        }

        public IEndpointConventionBuilder MapRoutes(IEndpointRouteBuilder routes) => CatchAll
            ? routes.Map("/{**path}", context => context.Response.WriteAsync($"caught {context.Request.Method} {context.Request.Path}"))
            : routes.MapPost("/side/echo", async (HttpRequest request) =>
        {
            request.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>()!.MaxRequestBodySize = MaxRequestBytes;
            using var reader = new StreamReader(request.Body, Encoding.UTF8);
            return Results.Text(await reader.ReadToEndAsync());
        });

        public Task RefuseAsync(HttpContext context, int status, string title, string detail)
        {
            context.Response.StatusCode = status;
            return context.Response.WriteAsync($"side {status}: {detail}");
        }
    }
}
