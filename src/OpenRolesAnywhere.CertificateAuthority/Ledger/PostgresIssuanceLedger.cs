using System.Data.Common;
using System.Globalization;
using Npgsql;
using OpenRolesAnywhere.Core;

namespace OpenRolesAnywhere.CertificateAuthority.Ledger;

/// <summary>
/// The ledger in PostgreSQL, for issuers on more than one machine. Issuing takes a transaction-scoped advisory lock on
/// the serial before the CA signs (a second issuer of that serial waits, then finds it taken); the primary key refuses
/// a reuse whatever happens. The connection string is a secret: messages name the database and host only.
/// </summary>
internal sealed class PostgresIssuanceLedger : DbIssuanceLedger
{
    private const string VersionTable = "openrolesanywhere_ledger";
    private readonly NpgsqlDataSource _source;
    private readonly TimeSpan _lockTimeout;

    private PostgresIssuanceLedger(NpgsqlDataSource source, NpgsqlConnection connection, string description, TimeSpan lockTimeout)
        : base(connection, description)
    {
        _source = source;
        _lockTimeout = lockTimeout;
    }

    protected override string ForUpdate => " FOR UPDATE";

    /// <summary>Makes the ledger's tables; refuses a database that has them already.</summary>
    public static PostgresIssuanceLedger CreateNew(string connectionString, TimeSpan lockTimeout) => Prepared(connectionString, lockTimeout, ledger =>
        {
            using var transaction = ledger.BeginWrite();
            ledger.Execute(transaction, LedgerSchema.Tables("BYTEA") +
                $"CREATE TABLE {VersionTable} (schema_version INTEGER NOT NULL); INSERT INTO {VersionTable} VALUES ({SchemaVersion});");
            transaction.Commit();
            return 0;
        },
        PostgresErrorCodes.DuplicateTable,
        description => new CredentialException(CredentialErrorKind.InvalidInput,
            $"An issuance ledger already exists in {description}; it belongs to an existing CA. Give this CA a database of its own."));

    /// <summary>Opens the ledger in an existing database; a database without one is a clear error.</summary>
    public static PostgresIssuanceLedger Open(string connectionString, TimeSpan lockTimeout) => Prepared(connectionString, lockTimeout, ledger =>
        {
            var version = ledger.Scalar(null, $"SELECT MAX(schema_version) FROM {VersionTable}");
            return Equals(version, SchemaVersion) ? 0 : throw Corrupt(ledger.Description, null);
        },
        PostgresErrorCodes.UndefinedTable,
        description => new CredentialException(CredentialErrorKind.NotFound,
            $"The {description} holds no issuance ledger: run `openrolesanywhere admin create-ca` first, or restore the database from its backup. Nothing was issued."));

    /// <summary>Drops what <see cref="CreateNew"/> made, after the CA it was made for could not be issued.</summary>
    public static void Drop(string connectionString, TimeSpan lockTimeout)
    {
        using var ledger = Connect(connectionString, lockTimeout);
        ledger.Guard(() =>
        {
            using var transaction = ledger.BeginWrite();
            ledger.Execute(transaction, $"DROP TABLE IF EXISTS certificates, crl_numbers, {VersionTable}");
            transaction.Commit();
            return 0;
        });
    }

    protected override DbTransaction BeginWrite()
    {
        var transaction = Connection.BeginTransaction();
        // A lock held longer than this (another issuer stuck) is an answer, not a hang.
        Execute(transaction, string.Create(CultureInfo.InvariantCulture, $"SET LOCAL lock_timeout = {(long)_lockTimeout.TotalMilliseconds}"));
        return transaction;
    }

    protected override void ClaimSerial(DbTransaction transaction, string serial) =>
        Execute(transaction, "SELECT pg_advisory_xact_lock(hashtextextended(@serial, 0))", ("@serial", serial));

    protected override void LockCrlNumbers(DbTransaction transaction) =>
        Execute(transaction, "LOCK TABLE crl_numbers IN SHARE ROW EXCLUSIVE MODE");

    protected override bool IsUniqueViolation(DbException e) => e is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    protected override CredentialException? Translate(DbException e) => e switch
    {
        PostgresException { SqlState: PostgresErrorCodes.LockNotAvailable or PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure } => Locked(e),
        PostgresException { SqlState: PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification } p =>
            new CredentialException(CredentialErrorKind.InvalidInput,
                $"The {Description} refused the login ({p.MessageText}): check the user and the password (PGPASSWORD, a passfile or the connection string). Nothing was issued or changed.", e),
        PostgresException p => new CredentialException(CredentialErrorKind.ServiceUnavailable,
            $"The {Description} failed: {p.SqlState} {p.MessageText}. Nothing was issued or changed.", e),
        _ => new CredentialException(CredentialErrorKind.ServiceUnavailable,
            $"The {Description} cannot be reached: {e.Message}. Check that the server runs and the connection string's host and port. Nothing was issued or changed.", e),
    };

    protected override void DisposeSource() => _source.Dispose();

    /// <summary>Connects and runs <paramref name="prepare"/>; the database's <paramref name="sqlState"/> there becomes <paramref name="refusal"/>.</summary>
    private static PostgresIssuanceLedger Prepared(
        string connectionString, TimeSpan lockTimeout, Func<PostgresIssuanceLedger, int> prepare, string sqlState, Func<string, CredentialException> refusal)
    {
        var ledger = Connect(connectionString, lockTimeout);
        try
        {
            ledger.Guard(() => prepare(ledger));
            return ledger;
        }
        catch (CredentialException e) when (e.InnerException is PostgresException p && p.SqlState == sqlState)
        {
            ledger.Dispose();
            throw refusal(ledger.Description);
        }
        catch
        {
            ledger.Dispose();
            throw;
        }
    }

    private static PostgresIssuanceLedger Connect(string connectionString, TimeSpan lockTimeout)
    {
        var (builder, description) = PostgresConnection.Parse(connectionString, lockTimeout);
        // The slim builder keeps Native AOT clean; TLS is then asked for explicitly.
        var source = new NpgsqlSlimDataSourceBuilder(builder.ConnectionString).EnableTransportSecurity().Build();
        var connection = source.CreateConnection();
        var ledger = new PostgresIssuanceLedger(source, connection, description, lockTimeout);
        try
        {
            ledger.Guard(() =>
            {
                connection.Open();
                return 0;
            });
            return ledger;
        }
        catch
        {
            ledger.Dispose();
            throw;
        }
    }
}
