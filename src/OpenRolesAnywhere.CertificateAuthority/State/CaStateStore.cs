using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using OpenRolesAnywhere.CertificateAuthority.Ledger;
using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.Core.Configuration;

namespace OpenRolesAnywhere.CertificateAuthority.State;

/// <summary>
/// The CA's files under the configuration directory: <c>ca.pem</c> (where the original tool kept it),
/// <c>ca-state.json</c> (trust anchor, profile and CRL ARNs), <c>ledger.db</c> and the last <c>crl.der</c>.
/// Every file is replaced atomically, so a crash leaves the old version or the new, never half.
/// </summary>
public sealed class CaStateStore
{
    /// <param name="ledgerConnectionString">A PostgreSQL ledger's connection string (a secret); the SQLite file in <paramref name="directory"/> when null.</param>
    public CaStateStore(string directory, string? ledgerConnectionString = null)
    {
        Directory = directory;
        LedgerConnectionString = ledgerConnectionString;
    }

    /// <summary>The configuration directory, and the ledger the environment configures (<c>OPENROLESANYWHERE_LEDGER_CONNECTION_STRING[_FILE]</c>).</summary>
    public static CaStateStore Default(Func<string, string?>? environment = null) =>
        new(ConfigPaths.Directory(environment), PostgresConnection.FromEnvironment(environment ?? Environment.GetEnvironmentVariable));

    public string Directory { get; }

    public string CaCertificatePath => Path.Combine(Directory, "ca.pem");

    public string StatePath => Path.Combine(Directory, "ca-state.json");

    public string LedgerPath => Path.Combine(Directory, "ledger.db");

    /// <summary>Set when the ledger is in PostgreSQL; never print it.</summary>
    internal string? LedgerConnectionString { get; }

    public string CrlPath => Path.Combine(Directory, "crl.der");

    public CaState Load()
    {
        if (!File.Exists(StatePath))
        {
            return new CaState();
        }

        try
        {
            return JsonSerializer.Deserialize(File.ReadAllText(StatePath), CaStateJsonContext.Default.CaState) ?? new CaState();
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            throw new CredentialException(CredentialErrorKind.InvalidInput, $"Cannot read {StatePath}: {e.Message}. Restore it from backup or fix the JSON.", e);
        }
    }

    public void Save(CaState state) => SecretFile.WriteAtomically(StatePath, JsonSerializer.Serialize(state, CaStateJsonContext.Default.CaState) + "\n");

    public bool HasCaCertificate => File.Exists(CaCertificatePath);

    public X509Certificate2 LoadCaCertificate()
    {
        if (!HasCaCertificate)
        {
            throw new CredentialException(CredentialErrorKind.NotFound,
                $"There is no CA certificate at {CaCertificatePath}: run `openrolesanywhere admin create-ca` first.");
        }

        try
        {
            return X509Certificate2.CreateFromPem(File.ReadAllText(CaCertificatePath));
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new CredentialException(CredentialErrorKind.CertificateInvalid, $"{CaCertificatePath} does not hold a readable certificate: {e.Message}", e);
        }
    }

    public void SaveCaCertificate(X509Certificate2 certificate) => SecretFile.WriteAtomically(CaCertificatePath, certificate.ExportCertificatePem() + "\n");

    public void SaveCrl(byte[] der) => SecretFile.WriteAtomically(CrlPath, der);

    public byte[]? LoadCrl() => File.Exists(CrlPath) ? File.ReadAllBytes(CrlPath) : null;
}
