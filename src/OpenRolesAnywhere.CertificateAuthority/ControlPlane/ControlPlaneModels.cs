namespace OpenRolesAnywhere.CertificateAuthority.ControlPlane;

public sealed record TrustAnchorSummary(string Arn, string Id, string Name, bool Enabled, string? SourceType);

public sealed record ProfileSummary(string Arn, string Id, string Name, bool Enabled, IReadOnlyList<string> RoleArns, int? DurationSeconds);

public sealed record CrlSummary(string Arn, string Id, string Name, bool Enabled, string? TrustAnchorArn);
