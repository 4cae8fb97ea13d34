namespace OpenRolesAnywhere.CertificateAuthority.Ledger;

/// <summary>One certificate the CA issued (its own included), as the ledger records it.</summary>
/// <param name="KeyFingerprint">The key as <c>ssh-add -l</c> names it: <c>SHA256:</c> and base64.</param>
public sealed record LedgerEntry(
    string SerialNumber,
    string SerialNumberHex,
    string Kind,
    string Subject,
    string Issuer,
    string PublicKeySha256,
    DateTimeOffset NotBefore,
    DateTimeOffset NotAfter,
    DateTimeOffset IssuedAt,
    string Status,
    DateTimeOffset? RevokedAt,
    string? RevocationReason,
    string KeyFingerprint)
{
    public const string KindCa = "ca";
    public const string KindEndEntity = "end-entity";
    public const string StatusIssued = "issued";
    public const string StatusRevoked = "revoked";
}
