using System.Text.Json;
using System.Text.Json.Serialization;
using OpenRolesAnywhere.CertificateAuthority.ControlPlane;
using OpenRolesAnywhere.CertificateAuthority.Ledger;

namespace OpenRolesAnywhere.Admin.Http;

/// <summary><c>POST /admin/ca</c>: what was made and registered.</summary>
/// <param name="KmsKeyArn">Null when the CA key is not in KMS; <paramref name="CaKey"/> says where it is.</param>
public sealed record CreateCaResponse(
    string TrustAnchorArn, string? KmsKeyArn, string SerialNumber, string Certificate, bool ReusedCertificate, string CaKey, IReadOnlyList<string> Warnings);

/// <summary><c>POST /admin/crl</c>: what was published.</summary>
public sealed record PublishCrlResponse(string CrlArn, bool Imported, string CrlNumber, int RevokedCount);

/// <summary>Every body the admin routes read or write, serialized by generated code (the product ships Native AOT).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(CreateCaBody))]
[JsonSerializable(typeof(CreateProfileBody))]
[JsonSerializable(typeof(AcceptRequestBody))]
[JsonSerializable(typeof(CreateCaResponse))]
[JsonSerializable(typeof(ProfileSummary))]
[JsonSerializable(typeof(IReadOnlyList<LedgerEntry>))]
[JsonSerializable(typeof(LedgerEntry))]
[JsonSerializable(typeof(PublishCrlResponse))]
[JsonSerializable(typeof(UpdateProfileBody))]
[JsonSerializable(typeof(AttributeMappingBody))]
[JsonSerializable(typeof(NotificationSettingsBody))]
[JsonSerializable(typeof(ProfileDetail))]
[JsonSerializable(typeof(TrustAnchorDetail))]
[JsonSerializable(typeof(IReadOnlyList<TrustAnchorDetail>))]
internal sealed partial class AdminJson : JsonSerializerContext;
