namespace OpenRolesAnywhere.TestCommon.FakeRolesAnywhereControlPlane;

public sealed record FakeTrustAnchor(string Id, string Arn, string Name, bool Enabled, string SourceType, string CertificateData, IReadOnlyDictionary<string, string> Tags);

public sealed record FakeProfile(string Id, string Arn, string Name, bool Enabled, IReadOnlyList<string> RoleArns, int DurationSeconds, IReadOnlyDictionary<string, string> Tags, bool AcceptRoleSessionName = false);

/// <summary>A CRL as Roles Anywhere holds it; <see cref="Data"/> is the latest imported or updated DER.</summary>
public sealed record FakeCrl(string Id, string Arn, string Name, bool Enabled, string TrustAnchorArn, byte[] Data, int Updates);

/// <summary>One call the fake received: the operation (null when none matched), the HTTP status answered and any error type.</summary>
public sealed record FakeControlPlaneCall(string Method, string Path, string Query, string? Operation, int Status, string? ErrorType);
