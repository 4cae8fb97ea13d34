using OpenRolesAnywhere.CertificateAuthority.State;

namespace OpenRolesAnywhere.CertificateAuthority.Ledger;

/// <summary>Where the CA's ledger is: PostgreSQL when the store has a connection string, else <c>ledger.db</c> beside the CA's files.</summary>
internal static class IssuanceLedgers
{
    /// <summary>Opens the existing ledger; a missing or foreign one is a clear error, never a new empty ledger.</summary>
    public static IIssuanceLedger Open(CaStateStore store, TimeSpan lockTimeout) =>
        store.LedgerConnectionString is { } connectionString
            ? PostgresIssuanceLedger.Open(connectionString, lockTimeout)
            : SqliteIssuanceLedger.Open(store.LedgerPath, lockTimeout);

    /// <summary>Makes the new, empty ledger of a new CA; refuses where one exists.</summary>
    public static IIssuanceLedger CreateNew(CaStateStore store, TimeSpan lockTimeout) =>
        store.LedgerConnectionString is { } connectionString
            ? PostgresIssuanceLedger.CreateNew(connectionString, lockTimeout)
            : SqliteIssuanceLedger.CreateNew(store.LedgerPath, lockTimeout);

    /// <summary>Removes the ledger <see cref="CreateNew"/> made when the CA that was to start it failed, so create-ca can run again.</summary>
    public static void Discard(CaStateStore store, TimeSpan lockTimeout)
    {
        if (store.LedgerConnectionString is { } connectionString)
        {
            PostgresIssuanceLedger.Drop(connectionString, lockTimeout);
        }
        else
        {
            File.Delete(store.LedgerPath);
        }
    }
}
