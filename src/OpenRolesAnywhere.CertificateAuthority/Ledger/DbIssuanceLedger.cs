using System.Data.Common;
using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using OpenRolesAnywhere.CertificateAuthority.Issuing;
using OpenRolesAnywhere.CertificateAuthority.Revocation;
using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.Core.Signing;

namespace OpenRolesAnywhere.CertificateAuthority.Ledger;

/// <summary>
/// The ledger's rules over ADO.NET, one SQL for both databases; each subclass says how its database takes the
/// locks (<see cref="BeginWrite"/>, <see cref="ClaimSerial"/>, <see cref="LockCrlNumbers"/>) and names its failures.
/// </summary>
internal abstract class DbIssuanceLedger(DbConnection connection, string description) : IIssuanceLedger
{
    protected const int SchemaVersion = 1;

    private const string Columns = "serial, serial_hex, kind, subject, issuer, public_key_sha256, not_before, not_after, issued_at, status, revoked_at, revocation_reason, certificate_der";

    public string Description => description;

    protected DbConnection Connection => connection;

    /// <summary>Row locks where the database has them (PostgreSQL), nothing where the write lock covers the file (SQLite).</summary>
    protected abstract string ForUpdate { get; }

    public X509Certificate2 Issue(BigInteger serial, string kind, DateTimeOffset now, Func<X509Certificate2> sign) => Guard(() =>
    {
        var decimalSerial = SerialNumbers.ToDecimal(serial);
        using var transaction = BeginWrite();
        ClaimSerial(transaction, decimalSerial);
        if (Scalar(transaction, "SELECT status FROM certificates WHERE serial = @serial", ("@serial", decimalSerial)) is not null)
        {
            throw SerialReused(decimalSerial);
        }

        var certificate = sign();
        try
        {
            Insert(transaction, serial, kind, now, certificate);
            transaction.Commit();
        }
        catch (DbException e) when (IsUniqueViolation(e))
        {
            certificate.Dispose();
            throw SerialReused(decimalSerial);
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
        using var command = Command(null, $"SELECT {Columns} FROM certificates ORDER BY issued_at, serial", []);
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

    public LedgerEntry Revoke(BigInteger serial, X509RevocationReason reason, DateTimeOffset time)
    {
        var decimalSerial = SerialNumbers.ToDecimal(serial);
        Guard(() =>
        {
            using var transaction = BeginWrite();
            var row = Scalar(transaction, "SELECT kind || ' ' || status FROM certificates WHERE serial = @serial" + ForUpdate, ("@serial", decimalSerial)) as string;
            EnsureRevocable(row, decimalSerial);
            Execute(transaction, "UPDATE certificates SET status = 'revoked', revoked_at = @at, revocation_reason = @reason WHERE serial = @serial",
                ("@at", Time(time)), ("@reason", RevocationReasons.Name(reason)), ("@serial", decimalSerial));
            transaction.Commit();
            return 0;
        });
        return List().Single(e => e.SerialNumber == decimalSerial);
    }

    public BigInteger NextCrlNumber(DateTimeOffset now) => Guard(() =>
    {
        using var transaction = BeginWrite();
        LockCrlNumbers(transaction);
        var next = Convert.ToInt64(Scalar(transaction, "SELECT COALESCE(MAX(number), 0) FROM crl_numbers"), CultureInfo.InvariantCulture) + 1;
        Execute(transaction, "INSERT INTO crl_numbers (number, issued_at) VALUES (@n, @at)", ("@n", next), ("@at", Time(now)));
        transaction.Commit();
        return new BigInteger(next);
    });

    public void Dispose()
    {
        connection.Dispose();
        DisposeSource();
    }

    /// <summary>The certificate's key as <c>ssh-add -l</c> names it (the ledger's own column is the SubjectPublicKeyInfo's hex hash).</summary>
    private static string KeyFingerprint(byte[] der)
    {
        using var certificate = X509CertificateLoader.LoadCertificate(der);
        return SshFingerprint.Of(certificate.PublicKey);
    }

    public static string Fingerprint(PublicKey key) => "SHA256:" + Convert.ToHexStringLower(SHA256.HashData(key.ExportSubjectPublicKeyInfo()));

    /// <summary>A transaction that holds the write lock the database has for the ledger's changes.</summary>
    protected abstract DbTransaction BeginWrite();

    /// <summary>Makes a second issuer of <paramref name="serial"/> wait until this transaction ends (then it finds the serial taken).</summary>
    protected abstract void ClaimSerial(DbTransaction transaction, string serial);

    protected abstract void LockCrlNumbers(DbTransaction transaction);

    /// <summary>The primary key refused a serial: what stops a reuse even by an issuer that skipped <see cref="ClaimSerial"/>.</summary>
    protected abstract bool IsUniqueViolation(DbException e);

    /// <summary>The database's failure in words a person can act on; null for one this ledger does not know.</summary>
    protected abstract CredentialException? Translate(DbException e);

    protected virtual void DisposeSource()
    {
    }

    protected T Guard<T>(Func<T> action)
    {
        try
        {
            return action();
        }
        catch (DbException e)
        {
            throw Translate(e) ?? new CredentialException(CredentialErrorKind.ServiceUnavailable,
                $"The issuance ledger {Description} failed: {e.Message}. Nothing was issued or changed.", e);
        }
    }

    protected static CredentialException SerialReused(string decimalSerial) => new(CredentialErrorKind.InvalidInput,
        $"Serial number {decimalSerial} was used before by this CA; serials must be unique. Leave out the serial number for a random one.");

    protected static CredentialException Corrupt(string description, Exception? inner) => new(CredentialErrorKind.InvalidInput,
        $"The issuance ledger {description} is corrupt or not an openrolesanywhere ledger: restore it from its backup. Nothing was issued or changed.", inner);

    protected CredentialException Locked(Exception inner) => new(CredentialErrorKind.ServiceUnavailable,
        $"The issuance ledger {Description} is locked by another issuer; try again in a moment. Nothing was issued or changed.", inner);

    protected object? Scalar(DbTransaction? transaction, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = Command(transaction, sql, parameters);
        var value = command.ExecuteScalar();
        return value is DBNull ? null : value;
    }

    protected void Execute(DbTransaction? transaction, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = Command(transaction, sql, parameters);
        command.ExecuteNonQuery();
    }

    private void Insert(DbTransaction transaction, BigInteger serial, string kind, DateTimeOffset now, X509Certificate2 certificate) =>
        Execute(transaction, """
            INSERT INTO certificates (serial, serial_hex, kind, subject, issuer, public_key_sha256, not_before, not_after, issued_at, status, certificate_der)
            VALUES (@serial, @hex, @kind, @subject, @issuer, @fingerprint, @notBefore, @notAfter, @issuedAt, 'issued', @der)
            """,
            ("@serial", SerialNumbers.ToDecimal(serial)), ("@hex", SerialNumbers.ToHex(serial)), ("@kind", kind),
            ("@subject", certificate.Subject), ("@issuer", certificate.Issuer), ("@fingerprint", Fingerprint(certificate.PublicKey)),
            ("@notBefore", Time(new DateTimeOffset(certificate.NotBefore.ToUniversalTime()))),
            ("@notAfter", Time(new DateTimeOffset(certificate.NotAfter.ToUniversalTime()))),
            ("@issuedAt", Time(now)), ("@der", certificate.RawData));

    private static void EnsureRevocable(string? kindAndStatus, string decimalSerial)
    {
        switch (kindAndStatus)
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
    }

    private DbCommand Command(DbTransaction? transaction, string sql, (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }

        return command;
    }

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static DateTimeOffset ParseTime(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
}
