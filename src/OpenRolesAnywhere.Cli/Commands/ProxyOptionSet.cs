using System.CommandLine;
using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.Core.Aws;
using OpenRolesAnywhere.Core.RolesAnywhere;
using OpenRolesAnywhere.Proxy;

namespace OpenRolesAnywhere.Cli.Commands;

/// <summary>
/// What the signing proxy forwards to and signs as: <c>proxy</c>'s <c>--service</c>, <c>--region</c>,
/// <c>--upstream</c>, <c>--source</c>, and the same prefixed for <c>serve</c> (<c>--proxy-service</c>...).
/// </summary>
internal sealed class ProxyOptionSet(string prefix)
{
    public Option<string?> Service { get; } = new(prefix + "service") { Description = "The AWS service's signing name: aps (Managed Prometheus), sts, kms, es (OpenSearch), s3..." };
    public Option<string?> Region { get; } = new(prefix + "region") { Description = "The proxied service's region. [default: AWS_REGION, then AWS_DEFAULT_REGION]" };
    public Option<string?> Upstream { get; } = new(prefix + "upstream") { Description = "The URL to forward to. [default: AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL, then https://SERVICE.REGION.amazonaws.com]" };
    public Option<string?> Source { get; } = new(prefix + "source") { Description = "The configured source (--config) whose credentials sign. [default: the default source]" };

    public IEnumerable<Option> All => [Service, Region, Upstream, Source];

    /// <summary>Whether any of these flags was given (they mean nothing without a proxy listener in <c>serve</c>).</summary>
    public bool AnyGiven(ParseResult result) => All.Any(o => result.GetResult(o) is { Implicit: false });

    /// <summary>The one route at <c>/</c> the flags describe; null when none is given (the routes are then the config file's <c>ProxyRoutes</c>).</summary>
    /// <exception cref="CredentialException">A flag is missing or unusable; the message names it.</exception>
    public SigV4ProxyOptions? Bind(ParseResult result, CliEnvironment environment)
    {
        if (!AnyGiven(result))
        {
            return null;
        }

        var service = result.GetValue(Service) ?? throw Usage($"Give {Service.Name}, the signing name of the AWS service to forward to (aps for Managed Prometheus, sts, kms, es, s3...).");
        if (SourceFieldRules.ServiceNameProblem(service) is { } badName)
        {
            throw Usage($"{Service.Name}: {badName}");
        }

        var region = result.GetValue(Region) ?? environment.Variable("AWS_REGION") ?? environment.Variable("AWS_DEFAULT_REGION")
            ?? throw Usage($"Give {Region.Name}, the region of the service to forward to (or set AWS_REGION).");
        if (SourceFieldRules.RegionProblem(region) is { } problem)
        {
            throw Usage($"{Region.Name}: {problem}");
        }

        if (result.GetValue(Upstream) is { } upstream && AwsEndpoint.Problem(upstream) is { } invalid)
        {
            throw Usage($"{Upstream.Name} {invalid}");
        }

        return new SigV4ProxyOptions
        {
            Service = service,
            Region = region,
            Upstream = AwsEndpoint.Resolve(new AwsService(service, service), result.GetValue(Upstream), region, environment.Variable),
            Source = result.GetValue(Source),
        };
    }

    private static CredentialException Usage(string message) => new(CredentialErrorKind.InvalidInput, message);
}
