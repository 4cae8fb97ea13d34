using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using OpenRolesAnywhere.Core.Aws;
using OpenRolesAnywhere.Core.SigV4;
using OpenRolesAnywhere.TestCommon.LoopbackHost;
using OpenRolesAnywhere.TestCommon.SigV4Verification;

namespace OpenRolesAnywhere.Core.Tests.Aws;

/// <summary>
/// The one signed-attempt pipeline against a REST-JSON service on loopback that checks every attempt's SigV4
/// signature as AWS does and then answers what the test scripted.
/// </summary>
public sealed class AwsRequestPipelineTests : IAsyncLifetime, IDisposable
{
    private const string Region = "eu-west-1";
    private const string AccessKey = "AKIDPIPELINETEST0001";
    private const string Secret = "pipeline-test-secret-not-a-real-one";
    private static readonly AwsCall Call = new("CreateThing", HttpMethod.Post, "/things")
    {
        Query = [new("name", "a b")],
        JsonBody = Encoding.UTF8.GetBytes("""{"name":"a b"}"""),
    };

    private readonly ConcurrentQueue<Func<HttpContext, Task>> _answers = new();
    private readonly ConcurrentQueue<string> _signingDates = new();
    private readonly SigV4HmacVerifier _verifier = new("rolesanywhere", Region, AccessKey, Secret);
    private readonly HttpClient _http = new();
    private readonly SteppingTime _time = new();
    private WebApplication _app = null!;
    private Uri _endpoint = null!;
    private int _signatures;

    public async Task InitializeAsync() => (_app, _endpoint) = await LoopbackWebApp.StartAsync(app => app.Run(AnswerAsync));

    public async Task DisposeAsync() => await _app.DisposeAsync();

    public void Dispose() => _http.Dispose();

    private static RetryPolicy Policy(int attempts = 4, TimeSpan? attemptTimeout = null) =>
        new(attempts, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5), attemptTimeout ?? TimeSpan.FromSeconds(5));

    private Task<string> SendAsync(RetryPolicy policy, Random? random = null, Func<AwsError, CredentialException?>? advice = null) =>
        new AwsRequestPipeline(_http, _time, AwsService.RolesAnywhere, policy, random ?? new Random(7))
            .SendAsync(Call, _endpoint, Region, SignAsync, advice, CancellationToken.None);

    private ValueTask<SigV4Signature> SignAsync(SignableRequest request, CredentialScope scope, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _signatures);
        return ValueTask.FromResult(HmacSigner.SignHeaders(request, new AwsCredentials(AccessKey, Secret, null), scope));
    }

    private async Task AnswerAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        if (_verifier.Verify(context.Request, buffer.ToArray()) is { } failure)
        {
            await Error(403, failure.Code, failure.Message)(context);
            return;
        }

        _signingDates.Enqueue(context.Request.Headers["X-Amz-Date"].ToString());
        await (_answers.TryDequeue(out var answer) ? answer : Ok)(context);
    }

    private static Task Ok(HttpContext context) => context.Response.WriteAsync("""{"thing":{"name":"a b"}}""");

    private static Func<HttpContext, Task> Error(int status, string? type, string? message, string? retryAfter = null) => async context =>
    {
        context.Response.StatusCode = status;
        if (type is not null)
        {
            context.Response.Headers["X-Amzn-ErrorType"] = type + ":http://internal.amazon.com/coral/com.amazonaws.rolesanywhere/";
        }

        if (retryAfter is not null)
        {
            context.Response.Headers.RetryAfter = retryAfter;
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(message is null ? "{}" : $$"""{"message":"{{message}}"}""");
    };

    private void Then(params Func<HttpContext, Task>[] answers)
    {
        foreach (var answer in answers)
        {
            _answers.Enqueue(answer);
        }
    }

    [Fact]
    public async Task SendAsync_ThrottledTwice_RetriesSignedAfreshWithTheSeededJitter()
    {
        Then(Error(429, "ThrottlingException", "Rate exceeded"), Error(503, null, null));

        var body = await SendAsync(Policy(), new Random(1234));

        Assert.Contains("\"thing\"", body, StringComparison.Ordinal);
        Assert.Equal(3, _signatures);
        Assert.Equal(3, _signingDates.Distinct().Count());
        // Full jitter: uniform in [0, base * 2^retry], drawn from the injected Random in order (Task.Delay keeps whole milliseconds).
        var expected = new Random(1234);
        Assert.Equal(
            [TimeSpan.FromMilliseconds(Math.Floor(expected.NextDouble() * 100)), TimeSpan.FromMilliseconds(Math.Floor(expected.NextDouble() * 200))],
            _time.Delays);
    }

    [Fact]
    public async Task SendAsync_SameSeed_SameDelays()
    {
        Then(Error(429, null, null), Error(429, null, null));
        await SendAsync(Policy(), new Random(99));
        var first = _time.Delays.ToList();
        _time.Delays.Clear();

        Then(Error(429, null, null), Error(429, null, null));
        await SendAsync(Policy(), new Random(99));

        Assert.Equal(2, first.Count);
        Assert.Equal(first, _time.Delays);
    }

    [Fact]
    public async Task SendAsync_RetryAfterSeconds_WaitsWhatTheServiceAsked()
    {
        Then(Error(503, "ServiceUnavailableException", "busy", retryAfter: "2"));

        await SendAsync(Policy());

        Assert.Equal([TimeSpan.FromSeconds(2)], _time.Delays);
    }

    [Fact]
    public async Task SendAsync_RetryAfterLongerThanTheCeiling_WaitsOnlyTheCeiling()
    {
        Then(Error(429, "TooManyRequestsException", "slow down", retryAfter: "3600"));

        await SendAsync(Policy());

        Assert.Equal([Policy().MaxDelay], _time.Delays);
    }

    [Fact]
    public async Task SendAsync_SlowFirstAttempt_TimesOutThatAttemptAndSucceedsOnTheNext()
    {
        Then(async context => await Task.Delay(TimeSpan.FromSeconds(5), context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default));

        var body = await SendAsync(Policy(attempts: 2, attemptTimeout: TimeSpan.FromMilliseconds(300)));

        Assert.Contains("\"thing\"", body, StringComparison.Ordinal);
        Assert.Equal(2, _signingDates.Count);
    }

    [Fact]
    public async Task SendAsync_EveryAttemptTooSlow_IsANetworkErrorNamingTheOperation()
    {
        for (var i = 0; i < 2; i++)
        {
            Then(async context => await Task.Delay(TimeSpan.FromSeconds(5), context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default));
        }

        var error = await Assert.ThrowsAsync<CredentialException>(() => SendAsync(Policy(attempts: 2, attemptTimeout: TimeSpan.FromMilliseconds(300))));

        Assert.Equal(CredentialErrorKind.Network, error.Kind);
        Assert.Contains("did not answer CreateThing within 0.3 s", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, _signingDates.Count);
    }

    [Theory]
    [InlineData(429, null, CredentialErrorKind.Throttled, "throttling CreateThing")]
    [InlineData(400, "ThrottlingException", CredentialErrorKind.Throttled, "throttling CreateThing")]
    [InlineData(500, null, CredentialErrorKind.ServiceUnavailable, "failed CreateThing with HTTP 500")]
    [InlineData(503, "InternalServerException", CredentialErrorKind.ServiceUnavailable, "failed CreateThing with HTTP 503")]
    public async Task SendAsync_TransientErrorEveryTime_GivesUpAfterTheBoundWithItsKind(int status, string? type, CredentialErrorKind kind, string text)
    {
        for (var i = 0; i < 3; i++)
        {
            Then(Error(status, type, "the reason"));
        }

        var error = await Assert.ThrowsAsync<CredentialException>(() => SendAsync(Policy(attempts: 3)));

        Assert.Equal(kind, error.Kind);
        Assert.Contains(text, error.Message, StringComparison.Ordinal);
        Assert.Contains("(AWS said: the reason)", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, _signingDates.Count);
    }

    [Theory]
    [InlineData(403, "AccessDeniedException", CredentialErrorKind.AccessDenied, "refused CreateThing")]
    [InlineData(403, null, CredentialErrorKind.AccessDenied, "refused CreateThing (HTTP 403)")]
    [InlineData(404, "ResourceNotFoundException", CredentialErrorKind.NotFound, "does not know the resource CreateThing named")]
    [InlineData(400, "ValidationException", CredentialErrorKind.InvalidInput, "rejected CreateThing as invalid")]
    [InlineData(409, "ConflictException", CredentialErrorKind.InvalidInput, "answered CreateThing with HTTP 409 ConflictException")]
    public async Task SendAsync_PermanentError_IsMappedAndNotRetried(int status, string? type, CredentialErrorKind kind, string text)
    {
        Then(Error(status, type, "the reason"));

        var error = await Assert.ThrowsAsync<CredentialException>(() => SendAsync(Policy()));

        Assert.Equal(kind, error.Kind);
        Assert.StartsWith("Roles Anywhere ", error.Message, StringComparison.Ordinal);
        Assert.Contains(text, error.Message, StringComparison.Ordinal);
        Assert.Equal(1, _signatures);
        Assert.Empty(_time.Delays);
    }

    [Fact]
    public async Task SendAsync_TypeInTheBodyWithNamespace_IsReadWithoutIt()
    {
        Then(async context =>
        {
            context.Response.StatusCode = 400;
            await context.Response.WriteAsync("""{"__type":"com.amazonaws.rolesanywhere#ValidationException","Message":"name too long"}""");
        });

        var error = await Assert.ThrowsAsync<CredentialException>(() => SendAsync(Policy()));

        Assert.Equal(CredentialErrorKind.InvalidInput, error.Kind);
        Assert.Contains("rejected CreateThing as invalid. (AWS said: name too long)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_HtmlFromAProxy_TheStatusDecides()
    {
        Then(async context =>
        {
            context.Response.StatusCode = 502;
            await context.Response.WriteAsync("<html><body>Bad Gateway</body></html>");
        });

        var error = await Assert.ThrowsAsync<CredentialException>(() => SendAsync(Policy(attempts: 1)));

        Assert.Equal(CredentialErrorKind.ServiceUnavailable, error.Kind);
        Assert.DoesNotContain("AWS said", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_CallerAdvice_ReplacesTheGenericMessageAndKind()
    {
        Then(Error(403, "AccessDeniedException", "Certificate expired"));
        AwsError? seen = null;

        var error = await Assert.ThrowsAsync<CredentialException>(() => SendAsync(Policy(), advice: e =>
        {
            seen = e;
            return new CredentialException(CredentialErrorKind.CertificateInvalid, "renew it" + e.Said);
        }));

        Assert.Equal(CredentialErrorKind.CertificateInvalid, error.Kind);
        Assert.Equal("renew it (AWS said: Certificate expired)", error.Message);
        Assert.Equal(new AwsError(AwsService.RolesAnywhere, "CreateThing", 403, "AccessDeniedException", "Certificate expired"), seen);
    }

    [Fact]
    public async Task SendAsync_SignerFails_IsThrownWithoutSendingOrRetrying()
    {
        var pipeline = new AwsRequestPipeline(_http, _time, AwsService.RolesAnywhere, Policy(), new Random(7));

        var error = await Assert.ThrowsAsync<CredentialException>(() => pipeline.SendAsync(Call, _endpoint, Region,
            (_, _, _) => throw new CredentialException(CredentialErrorKind.SignerUnavailable, "agent gone"), null, CancellationToken.None));

        Assert.Equal("agent gone", error.Message);
        Assert.Empty(_signingDates);
    }

    [Fact]
    public async Task SendAsync_EndpointWithAPath_SignsAndSendsUnderIt()
    {
        var prefixed = new Uri(_endpoint, "/prefix/");
        var seenPath = "";
        Then(context =>
        {
            seenPath = context.Request.Path + context.Request.QueryString;
            return Ok(context);
        });

        await new AwsRequestPipeline(_http, _time, AwsService.RolesAnywhere, Policy())
            .SendAsync(Call, prefixed, Region, SignAsync, null, CancellationToken.None);

        Assert.Equal("/prefix/things?name=a%20b", seenPath);
    }

    /// <summary>
    /// A clock that moves one second each time it is read, so each attempt is signed at its own time; and that
    /// records the back-off delays asked of it and lets them pass at once.
    /// </summary>
    private sealed class SteppingTime : TimeProvider
    {
        private long _reads;

        public List<TimeSpan> Delays { get; } = [];

        public override DateTimeOffset GetUtcNow() => System.GetUtcNow().AddSeconds(Interlocked.Increment(ref _reads));

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            lock (Delays)
            {
                Delays.Add(dueTime);
            }

            return System.CreateTimer(callback, state, TimeSpan.Zero, period);
        }
    }
}
