namespace OpenRolesAnywhere.Proxy;

/// <summary>Where the signing proxy forwards, as whom and how it signs.</summary>
public sealed class SigV4ProxyOptions
{
    /// <summary>Prometheus remote-write batches and AWS API calls are far smaller; a signed body is held in memory whole.</summary>
    public const long DefaultMaxBodyBytes = 10 * 1024 * 1024;

    /// <summary>S3's limit for one PUT: bodies sent <c>UNSIGNED-PAYLOAD</c> are streamed, never held.</summary>
    public const long MaxStreamedBodyBytes = 5L * 1024 * 1024 * 1024;

    /// <summary>The requests this route takes (whole path segments), stripped before forwarding; <c>/</c>: every request, as sent.</summary>
    public string PathPrefix { get; init; } = "/";

    /// <summary>The SigV4 signing name (<c>aps</c>, <c>sts</c>, <c>kms</c>, <c>es</c>, <c>s3</c>), also the metrics label.</summary>
    public required string Service { get; init; }

    /// <summary>The region in the signature's scope.</summary>
    public required string Region { get; init; }

    /// <summary>The AWS endpoint requests go to: its scheme, host and port, and a path that prefixes each request's.</summary>
    public required Uri Upstream { get; init; }

    /// <summary>The served source whose credentials sign; null: the default source.</summary>
    public string? Source { get; init; }

    /// <summary>The largest body signed (hashed in memory); larger ones are refused with 413.</summary>
    public long MaxBodyBytes { get; init; } = DefaultMaxBodyBytes;

    /// <summary>
    /// Signs <c>UNSIGNED-PAYLOAD</c> and streams the body (up to <see cref="MaxStreamedBodyBytes"/>), as S3
    /// allows over TLS; null: only for <c>s3</c>.
    /// </summary>
    public bool? UnsignedPayload { get; init; }

    /// <summary>How long the upstream may stay silent (YARP's activity timeout): then 504.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(100);

    internal bool SignsPayload => !(UnsignedPayload ?? IsS3);

    /// <summary>S3 signs its path encoded once and unnormalized, and wants <c>x-amz-content-sha256</c>.</summary>
    internal bool IsS3 => Service == "s3";
}
