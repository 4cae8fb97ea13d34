using OpenRolesAnywhere.Core.SigV4;

namespace OpenRolesAnywhere.Core.Aws;

/// <summary>Signs one attempt. Called again for every retry: the date is part of the signature.</summary>
public delegate ValueTask<SigV4Signature> AttemptSigner(SignableRequest request, CredentialScope scope, CancellationToken cancellationToken);

/// <summary>One call to a REST-JSON AWS API; <see cref="Path"/> is relative to the endpoint's own path.</summary>
public sealed record AwsCall(string Operation, HttpMethod Method, string Path)
{
    public IReadOnlyList<KeyValuePair<string, string>> Query { get; init; } = [];

    /// <summary>The JSON body, sent with <c>Content-Type: application/json</c> (signed); null: no body.</summary>
    public byte[]? JsonBody { get; init; }
}

/// <summary>
/// The one way this project calls an AWS API by hand: each attempt built, signed and sent with a per-attempt
/// timeout; AWS's error shape turned into a <see cref="CredentialException"/> with a kind (the caller may give
/// better advice for some errors); throttling, 5xx and network failures tried again with full jitter from
/// the injected <see cref="Random"/>, waiting what <c>Retry-After</c> asks when the service says.
/// </summary>
public sealed class AwsRequestPipeline
{
    private readonly HttpClient _http;
    private readonly TimeProvider _time;
    private readonly AwsService _service;
    private readonly RetryPolicy _retry;
    private readonly Random _random;

    public AwsRequestPipeline(HttpClient http, TimeProvider time, AwsService service, RetryPolicy? retry = null, Random? random = null)
    {
        _http = http;
        _time = time;
        _service = service;
        _retry = retry ?? RetryPolicy.Default;
        _random = random ?? Random.Shared;
    }

    /// <summary>The body of the first successful answer. A 2xx is never retried, even when its body is unusable: a create may have happened.</summary>
    /// <param name="advice">A better exception for errors the caller knows more about; null: the generic one.</param>
    public async Task<string> SendAsync(
        AwsCall call, Uri endpoint, string region, AttemptSigner sign, Func<AwsError, CredentialException?>? advice, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var (body, failure, retryAfter) = await AttemptAsync(call, endpoint, region, sign, advice, cancellationToken);
            if (failure is null)
            {
                return body!;
            }

            if (!failure.IsTransient || attempt + 1 >= _retry.MaxAttempts)
            {
                throw failure;
            }

            await Task.Delay(_retry.DelayBefore(attempt, retryAfter, _random), _time, cancellationToken);
        }
    }

    private async Task<(string? Body, CredentialException? Failure, TimeSpan? RetryAfter)> AttemptAsync(
        AwsCall call, Uri endpoint, string region, AttemptSigner sign, Func<AwsError, CredentialException?>? advice, CancellationToken cancellationToken)
    {
        var signable = Signable(call, endpoint);
        // A signer's own failure (key, credentials) is not the service's: it is thrown, not retried.
        var signature = await sign(signable, new CredentialScope(_time.GetUtcNow(), region, _service.Id), cancellationToken);
        using var message = SignedAttempt.CreateMessage(call.Method, endpoint, signable, signature, call.JsonBody);
        try
        {
            var (response, text) = await SignedAttempt.SendAsync(_http, message, _service, _retry.AttemptTimeout, call.Operation, cancellationToken);
            using (response)
            {
                if (response.IsSuccessStatusCode)
                {
                    return (text, null, null);
                }

                var error = AwsError.Read(_service, call.Operation, response, text);
                return (null, advice?.Invoke(error) ?? error.ToException(), RetryAfter(response));
            }
        }
        catch (CredentialException e) when (e.Kind == CredentialErrorKind.Network)
        {
            return (null, e, null);
        }
    }

    private static SignableRequest Signable(AwsCall call, Uri endpoint)
    {
        var signable = new SignableRequest(call.Method.Method, endpoint.AbsolutePath.TrimEnd('/') + call.Path);
        foreach (var (name, value) in call.Query)
        {
            signable.AddQuery(name, value);
        }

        if (call.JsonBody is not null)
        {
            signable.AddHeader("Content-Type", "application/json");
        }

        return signable
            .AddHeader("Host", endpoint.IsDefaultPort ? endpoint.Host : $"{endpoint.Host}:{endpoint.Port}")
            .SetBody(call.JsonBody ?? []);
    }

    /// <summary><c>Retry-After</c> as seconds or as a date; null when absent or already past.</summary>
    private TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } when date > _time.GetUtcNow() => date - _time.GetUtcNow(),
        _ => null,
    };
}
