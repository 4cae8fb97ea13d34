using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Data.Sqlite;
using OpenRolesAnywhere.CertificateAuthority.Issuing;
using OpenRolesAnywhere.CertificateAuthority.Revocation;
using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.Core.Signing;

namespace OpenRolesAnywhere.CertificateAuthority.Ledger;

/// <summary>
/// Every certificate the CA signs, in SQLite. A certificate is signed inside a write transaction that has
/// already claimed its serial, and is handed out only after that transaction committed: a certificate
/// that is not in the ledger never leaves this class. Concurrent issuers queue on SQLite's write lock.
/// </summary>
internal sealed class IssuanceLedger : IDisposable
{
    private const int SchemaVersion = 1;
    private readonly SqliteConnection _connection;

    private IssuanceLedger(string path, SqliteConnection connection)
    {
        Path = path;
        _connection = connection;
    }

    public string Path { get; }

    /// <summary>Makes a new, empty ledger; refuses to touch an existing file.</summary>
    public static IssuanceLedger CreateNew(string path, TimeSpan lockTimeout)
    {
        if (File.Exists(path))
        {
            throw new CredentialException(CredentialErrorKind.InvalidInput,
                $"An issuance ledger already exists at {path}; it belongs to an existing CA. Move it away only if you mean to start a new CA.");
        }

        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
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
            using var transaction = ledger._connection.BeginTransaction();
            ledger.Execute(transaction, """
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
                    certificate_der BLOB NOT NULL);
                CREATE TABLE crl_numbers (number INTEGER PRIMARY KEY NOT NULL, issued_at TEXT NOT NULL);
                PRAGMA user_version = 1;
                """);
            transaction.Commit();
            return 0;
        });
        return ledger;
    }

    /// <summary>Opens an existing ledger; a missing, locked or foreign file is a clear error, never a new empty ledger.</summary>
    public static IssuanceLedger Open(string path, TimeSpan lockTimeout)
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

    /// <summary>
    /// Claims <paramref name="serial"/>, lets <paramref name="sign"/> make the certificate, records it and
    /// commits; only then returns it. A duplicate serial or any failure leaves the ledger as it was.
    /// </summary>
    public X509Certificate2 Issue(BigInteger serial, string kind, DateTimeOffset now, Func<X509Certificate2> sign) => Guard(() =>
    {
        // BEGIN IMMEDIATE: the write lock is taken before the serial is checked, so no two issuers pass the check together.
        using var transaction = _connection.BeginTransaction(deferred: false);
        var existing = Scalar(transaction, "SELECT status FROM certificates WHERE serial = $serial", ("$serial", SerialNumbers.ToDecimal(serial)));
        if (existing is not null)
        {
            throw new CredentialException(CredentialErrorKind.InvalidInput,
                $"Serial number {SerialNumbers.ToDecimal(serial)} was used before by this CA; serials must be unique. Leave out the serial number for a random one.");
        }

        var certificate = sign();
        try
        {
            Execute(transaction, """
                INSERT INTO certificates (serial, serial_hex, kind, subject, issuer, public_key_sha256, not_before, not_after, issued_at, status, certificate_der)
                VALUES ($serial, $hex, $kind, $subject, $issuer, $fingerprint, $notBefore, $notAfter, $issuedAt, 'issued', $der)
                """,
                ("$serial", SerialNumbers.ToDecimal(serial)), ("$hex", SerialNumbers.ToHex(serial)), ("$kind", kind),
                ("$subject", certificate.Subject), ("$issuer", certificate.Issuer), ("$fingerprint", Fingerprint(certificate.PublicKey)),
                ("$notBefore", Time(new DateTimeOffset(certificate.NotBefore.ToUniversalTime()))),
                ("$notAfter", Time(new DateTimeOffset(certificate.NotAfter.ToUniversalTime()))),
                ("$issuedAt", Time(now)), ("$der", certificate.RawData));
            transaction.Commit();
        }
        catch
        {
            certificate.Dispose();
            throw;
        }

        return certificate;
    });

    public IReadOnlyList<LedgerEntry> List() => Guard(() =>
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT serial, serial_hex, kind, subject, issuer, public_key_sha256, not_before, not_after, issued_at, status, revoked_at, revocation_reason, certificate_der FROM certificates ORDER BY issued_at, serial";
        using var reader = command.ExecuteReader();
        var entries = new List<LedgerEntry>();
        while (reader.Read())
        {
            entries.Add(new LedgerEntry(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5),
                ParseTime(reader.GetString(6)), ParseTime(reader.GetString(7)), ParseTime(reader.GetString(8)), reader.GetString(9),
                reader.IsDBNull(10) ? null : ParseTime(reader.GetString(10)), reader.IsDBNull(11) ? null : reader.GetString(11),
                KeyFingerprint((byte[])reader.GetValue(12))));
        }

        return (IReadOnlyList<LedgerEntry>)entries;
    });

    /// <summary>Marks an end-entity certificate revoked; an unknown, CA or already revoked serial is an error.</summary>
    public LedgerEntry Revoke(BigInteger serial, X509RevocationReason reason, DateTimeOffset time)
    {
        var decimalSerial = SerialNumbers.ToDecimal(serial);
        Guard(() =>
        {
            using var transaction = _connection.BeginTransaction(deferred: false);
            var row = Scalar(transaction, "SELECT kind || ' ' || status FROM certificates WHERE serial = $serial", ("$serial", decimalSerial)) as string;
            switch (row)
            {
                case null:
                    throw new CredentialException(CredentialErrorKind.NotFound,
                        $"This CA never issued serial number {decimalSerial}; `openrolesanywhere admin list-certificates` shows the serials it did.");
                case "ca issued":
                    throw new CredentialException(CredentialErrorKind.InvalidInput,
                        $"Serial number {decimalSerial} is the CA's own certificate; to retire the CA, disable its trust anchor in Roles Anywhere.");
                case "end-entity revoked":
                    throw new CredentialException(CredentialErrorKind.InvalidInput, $"The certificate with serial number {decimalSerial} is already revoked.");
            }

            Execute(transaction, "UPDATE certificates SET status = 'revoked', revoked_at = $at, revocation_reason = $reason WHERE serial = $serial",
                ("$at", Time(time)), ("$reason", RevocationReasons.Name(reason)), ("$serial", decimalSerial));
            transaction.Commit();
            return 0;
        });
        return List().Single(e => e.SerialNumber == decimalSerial);
    }

    /// <summary>Takes the next CRL number (monotonic, as RFC 5280 asks) in its own transaction.</summary>
    public BigInteger NextCrlNumber(DateTimeOffset now) => Guard(() =>
    {
        using var transaction = _connection.BeginTransaction(deferred: false);
        var last = Scalar(transaction, "SELECT COALESCE(MAX(number), 0) FROM crl_numbers");
        var next = (long)last! + 1;
        Execute(transaction, "INSERT INTO crl_numbers (number, issued_at) VALUES ($n, $at)", ("$n", next), ("$at", Time(now)));
        transaction.Commit();
        return new BigInteger(next);
    });

    public void Dispose() => _connection.Dispose();

    /// <summary>The certificate's key as <c>ssh-add -l</c> names it (the ledger's own column is the SubjectPublicKeyInfo's hex hash).</summary>
    private static string KeyFingerprint(byte[] der)
    {
        using var certificate = X509CertificateLoader.LoadCertificate(der);
        return SshFingerprint.Of(certificate.PublicKey);
    }

    public static string Fingerprint(PublicKey key) => "SHA256:" + Convert.ToHexStringLower(SHA256.HashData(key.ExportSubjectPublicKeyInfo()));

    private static IssuanceLedger Connect(string path, SqliteOpenMode mode, TimeSpan lockTimeout)
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
        var ledger = new IssuanceLedger(path, connection);
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
            connection.Dispose();
            throw;
        }

        return ledger;
    }

    private T Guard<T>(Func<T> action)
    {
        try
        {
            return action();
        }
        catch (SqliteException e) when (e.SqliteErrorCode is 5 or 6)
        {
            throw new CredentialException(CredentialErrorKind.ServiceUnavailable,
                $"The issuance ledger {Path} is locked by another issuer; try again in a moment. Nothing was issued or changed.", e);
        }
        catch (SqliteException e) when (e.SqliteErrorCode is 11 or 26)
        {
            throw Corrupt(Path, e);
        }
        catch (SqliteException e) when (e.SqliteErrorCode is 8 or 14)
        {
            throw new CredentialException(CredentialErrorKind.InvalidInput,
                $"The issuance ledger {Path} cannot be opened for writing ({e.Message}); check the file's permissions and the disk. Nothing was issued or changed.", e);
        }
        catch (SqliteException e)
        {
            throw new CredentialException(CredentialErrorKind.ServiceUnavailable,
                $"The issuance ledger {Path} failed: {e.Message}. Nothing was issued or changed.", e);
        }
    }

    private static CredentialException Corrupt(string path, Exception? inner) => new(CredentialErrorKind.InvalidInput,
        $"The issuance ledger {path} is corrupt or not an openrolesanywhere ledger: restore it from its backup. Nothing was issued or changed.", inner);

    private object? Scalar(SqliteTransaction? transaction, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = Command(transaction, sql, parameters);
        return command.ExecuteScalar();
    }

    private void Execute(SqliteTransaction transaction, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = Command(transaction, sql, parameters);
        command.ExecuteNonQuery();
    }

    private SqliteCommand Command(SqliteTransaction? transaction, string sql, (string Name, object Value)[] parameters)
    {
        var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static DateTimeOffset ParseTime(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
}
