using Microsoft.AspNetCore.Http;
using OpenRolesAnywhere.Core.Aws;
using OpenRolesAnywhere.Core.RolesAnywhere;

namespace OpenRolesAnywhere.Server.Configuration;

/// <summary>
/// The config file's <c>ProxyRoutes</c>, checked at start with the sources: each failure names the field
/// (<c>ProxyRoutes[1].Source</c>). Prefixes may not overlap, so a request has at most one route and the order never matters.
/// </summary>
public static class ProxyRouteValidation
{
    internal static void Check(ServeConfiguration configuration, List<string> failures)
    {
        var prefixes = new List<(PathString Prefix, string Field)>();
        for (var i = 0; i < configuration.ProxyRoutes.Count; i++)
        {
            var route = configuration.ProxyRoutes[i];
            var field = $"ProxyRoutes[{i}]";
            CheckPrefix(route.PathPrefix, $"{field}.PathPrefix", prefixes, failures);
            SourceFieldRules.AddIf(failures, $"{field}.Service", route.Service is null ? "is missing: give the AWS signing name (aps, sts, kms, es, s3...)." : SourceFieldRules.ServiceNameProblem(route.Service));
            SourceFieldRules.AddIf(failures, $"{field}.Region", route.Region is null ? "is missing: give the region of the service (like eu-west-1)." : SourceFieldRules.RegionProblem(route.Region));
            SourceFieldRules.AddIf(failures, $"{field}.Upstream", route.Upstream is null ? null : AwsEndpoint.Problem(route.Upstream));
            if (route.Source is { } source && !configuration.Sources.Any(s => s.Name == source))
            {
                failures.Add($"{field}.Source: no source is named '{SourceFieldRules.Printable(source)}' (configured: {string.Join(", ", configuration.Sources.Select(s => s.Name))}).");
            }
        }
    }

    /// <summary>The prefix as routing matches it: <c>/</c> is every path (the empty prefix).</summary>
    public static PathString Normalize(string prefix) => prefix == "/" ? PathString.Empty : new PathString(prefix);

    private static void CheckPrefix(string? prefix, string field, List<(PathString Prefix, string Field)> seen, List<string> failures)
    {
        if (prefix is null || !prefix.StartsWith('/') || (prefix.Length > 1 && prefix.EndsWith('/')) || prefix.Contains("//", StringComparison.Ordinal) || prefix.IndexOfAny(['?', '#', '%']) >= 0 || prefix.Any(char.IsControl))
        {
            failures.Add($"{field}: {(prefix is null ? "is missing" : $"'{SourceFieldRules.Printable(prefix)}' is not a path prefix")}: give path segments such as /aps (no trailing /, ? or #), or / for every path.");
            return;
        }

        var path = Normalize(prefix);
        if (seen.FirstOrDefault(s => path.StartsWithSegments(s.Prefix) || s.Prefix.StartsWithSegments(path)) is { Field: not null } other)
        {
            failures.Add($"{field}: '{prefix}' overlaps {other.Field} ('{(other.Prefix.HasValue ? other.Prefix.Value : "/")}'): every request must match one route only.");
        }

        seen.Add((path, field));
    }
}
