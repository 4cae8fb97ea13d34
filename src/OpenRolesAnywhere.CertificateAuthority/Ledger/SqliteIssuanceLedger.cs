using System.Data.Common;
using Microsoft.Data.Sqlite;
using OpenRolesAnywhere.Core;

namespace OpenRolesAnywhere.CertificateAuthority.Ledger;

/// <summary>
/// The embedded ledger: one SQLite file beside the CA's files. Every write runs in BEGIN IMMEDIATE, so the write
/// lock is taken before a serial is checked and concurrent issuers queue on it.
/// </summary>
internal sealed class SqliteIssuanceLedger : DbIssuanceLedger
{
    private SqliteIssuanceLedger(string path, SqliteConnection connection)
        : base(connection, path)
    {
    }

    protected override string ForUpdate => "";

    /// <summary>Makes a new, empty ledger; refuses to touch an existing file.</summary>
    public static SqliteIssuanceLedger CreateNew(string path, TimeSpan lockTimeout)
    {
        if (File.Exists(path))
        {
            throw new CredentialException(CredentialErrorKind.InvalidInput,
                $"An issuance ledger already exists at {path}; it belongs to an existing CA. Move it away only if you mean to start a new CA.");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        // Created empty and owner-only first, so SQLite never makes it readable by others.
        using (File.Create(path))
        {
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        var ledger = Connect(path, SqliteOpenMode.ReadWriteCreate, lockTimeout);
        ledger.Guard(() =>
        {
            using var transaction = ledger.BeginWrite();
            ledger.Execute(transaction, LedgerSchema.Tables("BLOB") + $"PRAGMA user_version = {SchemaVersion};");
            transaction.Commit();
            return 0;
        });
        return ledger;
    }

    /// <summary>Opens an existing ledger; a missing, locked or foreign file is a clear error, never a new empty ledger.</summary>
    public static SqliteIssuanceLedger Open(string path, TimeSpan lockTimeout)
    {
        if (!File.Exists(path))
        {
            throw new CredentialException(CredentialErrorKind.NotFound,
                $"The issuance ledger {path} does not exist: run `openrolesanywhere admin create-ca` first, or restore the ledger from its backup. Nothing was issued.");
        }

        var ledger = Connect(path, SqliteOpenMode.ReadWrite, lockTimeout);
        try
        {
            var version = ledger.Guard(() => ledger.Scalar(null, "PRAGMA user_version"));
            var check = ledger.Guard(() => ledger.Scalar(null, "PRAGMA quick_check"));
            if (!Equals(version, (long)SchemaVersion) || !Equals(check, "ok"))
            {
                throw Corrupt(path, null);
            }
        }
        catch
        {
            ledger.Dispose();
            throw;
        }

        return ledger;
    }

    // BEGIN IMMEDIATE: the write lock is taken before the serial is checked, so no two issuers pass the check together.
    protected override DbTransaction BeginWrite() => ((SqliteConnection)Connection).BeginTransaction(deferred: false);

    protected override void ClaimSerial(DbTransaction transaction, string serial)
    {
        // The transaction's write lock already covers the whole file.
    }

    protected override void LockCrlNumbers(DbTransaction transaction)
    {
        // As above.
    }

    // SQLITE_CONSTRAINT_PRIMARYKEY
    protected override bool IsUniqueViolation(DbException e) => e is SqliteException { SqliteExtendedErrorCode: 1555 };

    protected override CredentialException? Translate(DbException e) => e switch
    {
        SqliteException { SqliteErrorCode: 5 or 6 } => Locked(e),
        SqliteException { SqliteErrorCode: 11 or 26 } => Corrupt(Description, e),
        SqliteException { SqliteErrorCode: 8 or 14 } => new CredentialException(CredentialErrorKind.InvalidInput,
            $"The issuance ledger {Description} cannot be opened for writing ({e.Message}); check the file's permissions and the disk. Nothing was issued or changed.", e),
        _ => null,
    };

    private static SqliteIssuanceLedger Connect(string path, SqliteOpenMode mode, TimeSpan lockTimeout)
    {
        SqliteNativeLibrary.EnsureLoadable();
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = mode,
            Pooling = false,
            DefaultTimeout = Math.Max(1, (int)Math.Ceiling(lockTimeout.TotalSeconds)),
        };
        var connection = new SqliteConnection(builder.ToString());
        var ledger = new SqliteIssuanceLedger(path, connection);
        try
        {
            ledger.Guard(() =>
            {
                connection.Open();
                return 0;
            });
        }
        catch
        {
            ledger.Dispose();
            throw;
        }

        return ledger;
    }
}
