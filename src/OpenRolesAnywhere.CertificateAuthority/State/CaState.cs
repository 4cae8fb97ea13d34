using System.Text.Json;
using System.Text.Json.Serialization;

namespace OpenRolesAnywhere.CertificateAuthority.State;

/// <summary>What the administrator's commands remember between runs (ca-state.json beside ca.pem).</summary>
public sealed record CaState
{
    /// <summary>The CA's key when it is in KMS (also named in ca.pem's subject alternative name).</summary>
    public string? KmsKeyArn { get; init; }

    /// <summary>The CA's key when it is anywhere else a user's key can be (agent, token, file); null for KMS.</summary>
    public CaKeyReference? CaKey { get; init; }

    public string? TrustAnchorName { get; init; }

    public string? TrustAnchorArn { get; init; }

    /// <summary>In creation order; the last is the default for <c>accept-request</c>, as in the original tool.</summary>
    public IReadOnlyList<ProfileRecord> Profiles { get; init; } = [];

    public string? CrlId { get; init; }

    public string? CrlArn { get; init; }
}

public sealed record ProfileRecord(string Name, string Arn);

/// <summary>
/// Where a CA key outside KMS is, as its key backend gave it for storing (<c>IKeySourceProvider.WithoutSecrets</c>):
/// never a PIN, only the name of the variable that holds one.
/// </summary>
public sealed record CaKeyReference
{
    public string? PrivateKey { get; init; }

    public string? SshFingerprint { get; init; }

    public string? Module { get; init; }

    public string? PasswordEnvironmentVariable { get; init; }

    /// <summary>For people reading the file and for messages: the backend's description.</summary>
    public string? Description { get; init; }
}

/// <summary>ca-state.json's shape, generated at compile time so the native build needs no reflection.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true)]
[JsonSerializable(typeof(CaState))]
internal sealed partial class CaStateJsonContext : JsonSerializerContext;
