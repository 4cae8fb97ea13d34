using System.Text.Json;
using System.Text.Json.Serialization;

namespace OpenRolesAnywhere.CertificateAuthority.State;

/// <summary>What the administrator's commands remember between runs (ca-state.json beside ca.pem).</summary>
public sealed record CaState
{
    public string? KmsKeyArn { get; init; }

    public string? TrustAnchorName { get; init; }

    public string? TrustAnchorArn { get; init; }

    /// <summary>In creation order; the last is the default for <c>accept-request</c>, as in the original tool.</summary>
    public IReadOnlyList<ProfileRecord> Profiles { get; init; } = [];

    public string? CrlId { get; init; }

    public string? CrlArn { get; init; }
}

public sealed record ProfileRecord(string Name, string Arn);

/// <summary>ca-state.json's shape, generated at compile time so the native build needs no reflection.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true)]
[JsonSerializable(typeof(CaState))]
internal sealed partial class CaStateJsonContext : JsonSerializerContext;
