using Npgsql;
using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.Core.Configuration;

namespace OpenRolesAnywhere.CertificateAuthority.Ledger;

/// <summary>
/// Where the PostgreSQL ledger is configured: an environment variable holding the connection string, or one naming a
/// 0600 file that holds it (read through <see cref="PrivateFile"/>), never a flag a process listing would show.
/// </summary>
internal static class PostgresConnection
{
    public const string Variable = "OPENROLESANYWHERE_LEDGER_CONNECTION_STRING";
    public const string FileVariable = Variable + "_FILE";

    /// <summary>The configured connection string, or null for the embedded SQLite ledger.</summary>
    public static string? FromEnvironment(Func<string, string?> environment)
    {
        var direct = environment(Variable);
        var path = environment(FileVariable);
        if (!string.IsNullOrEmpty(direct) && !string.IsNullOrEmpty(path))
        {
            throw new CredentialException(CredentialErrorKind.InvalidInput,
                $"Both {Variable} and {FileVariable} are set: set one, so the ledger is not in two places.");
        }

        if (string.IsNullOrEmpty(path))
        {
            return string.IsNullOrEmpty(direct) ? null : direct;
        }

        var text = PrivateFile.TryReadAllText(path, "The ledger connection string file")
            ?? throw new CredentialException(CredentialErrorKind.NotFound,
                $"{FileVariable} names {path}, which does not exist: write the connection string there (chmod 600) or unset the variable.");
        return text.Trim();
    }

    /// <summary>Reads the connection string; a malformed one is an error that repeats none of it (it may hold the password).</summary>
    public static (NpgsqlConnectionStringBuilder Builder, string Description) Parse(string connectionString, TimeSpan lockTimeout)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false };
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException or OverflowException)
        {
            throw new CredentialException(CredentialErrorKind.InvalidInput,
                $"The ledger connection string ({Variable} or {FileVariable}) is not a PostgreSQL connection string: write it as Host=...;Port=5432;Database=...;Username=... (the password best in PGPASSWORD or a passfile).");
        }

        if (string.IsNullOrEmpty(builder.Host) || string.IsNullOrEmpty(builder.Database))
        {
            throw new CredentialException(CredentialErrorKind.InvalidInput,
                $"The ledger connection string ({Variable} or {FileVariable}) names no Host or no Database: give both.");
        }

        builder.Timeout = Math.Max(builder.Timeout, (int)Math.Ceiling(lockTimeout.TotalSeconds));
        return (builder, $"PostgreSQL ledger (database {builder.Database} on {builder.Host}:{builder.Port})");
    }
}
