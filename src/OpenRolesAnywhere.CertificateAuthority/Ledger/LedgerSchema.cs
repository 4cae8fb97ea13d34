namespace OpenRolesAnywhere.CertificateAuthority.Ledger;

/// <summary>The ledger's tables, the same in SQLite and PostgreSQL but for the name of the bytes type; times are ISO 8601 UTC text.</summary>
internal static class LedgerSchema
{
    public static string Tables(string bytesType) => $"""
        CREATE TABLE certificates (
            serial TEXT PRIMARY KEY NOT NULL,
            serial_hex TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('ca', 'end-entity')),
            subject TEXT NOT NULL,
            issuer TEXT NOT NULL,
            public_key_sha256 TEXT NOT NULL,
            not_before TEXT NOT NULL,
            not_after TEXT NOT NULL,
            issued_at TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('issued', 'revoked')),
            revoked_at TEXT,
            revocation_reason TEXT,
            certificate_der {bytesType} NOT NULL);
        CREATE TABLE crl_numbers (number BIGINT PRIMARY KEY NOT NULL, issued_at TEXT NOT NULL);
        """;
}
