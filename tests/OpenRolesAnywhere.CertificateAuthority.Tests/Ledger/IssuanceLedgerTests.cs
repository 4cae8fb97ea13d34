using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using OpenRolesAnywhere.CertificateAuthority.Tests.Support;
using OpenRolesAnywhere.Core;

namespace OpenRolesAnywhere.CertificateAuthority.Tests.Ledger;

/// <summary>A ledger that cannot record means no certificate: never one issued and left unrecorded.</summary>
public sealed class IssuanceLedgerTests : AdminHarnessTest
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await Harness.CreateCaWithProfileAsync();
    }

    [Fact]
    public async Task AcceptRequest_LedgerMissing_RefusedBeforeKmsSigns()
    {
        File.Delete(Harness.Store.LedgerPath);
        var signCalls = Harness.SignCalls;

        var error = await Assert.ThrowsAsync<CredentialException>(() => IssueAsync());

        Assert.Equal(CredentialErrorKind.NotFound, error.Kind);
        Assert.Contains(Harness.Store.LedgerPath, error.Message, StringComparison.Ordinal);
        Assert.Contains("Nothing was issued", error.Message, StringComparison.Ordinal);
        Assert.Equal(signCalls, Harness.SignCalls);
        Assert.False(File.Exists(Harness.Store.LedgerPath));
    }

    [Fact]
    public async Task AcceptRequest_LedgerLockedByAnotherWriter_RefusedBeforeKmsSignsAndNothingRecorded()
    {
        var signCalls = Harness.SignCalls;
        using (var holder = new SqliteConnection($"Data Source={Harness.Store.LedgerPath};Pooling=False"))
        {
            holder.Open();
            using var exclusive = holder.CreateCommand();
            exclusive.CommandText = "BEGIN EXCLUSIVE";
            exclusive.ExecuteNonQuery();

            var error = await Assert.ThrowsAsync<CredentialException>(() => IssueAsync("5150"));

            Assert.Equal(CredentialErrorKind.ServiceUnavailable, error.Kind);
            Assert.Contains("locked by another issuer", error.Message, StringComparison.Ordinal);
            Assert.Equal(signCalls, Harness.SignCalls);
        }

        Assert.DoesNotContain(Harness.Admin().ListCertificates(), e => e.SerialNumber == "5150");
        await IssueAsync("5150");
    }

    [Fact]
    public async Task AcceptRequest_LedgerNotADatabase_RefusedAsCorrupt()
    {
        File.WriteAllBytes(Harness.Store.LedgerPath, RandomNumberGenerator.GetBytes(8192));

        var error = await Assert.ThrowsAsync<CredentialException>(() => IssueAsync());

        Assert.Contains("corrupt", error.Message, StringComparison.Ordinal);
        Assert.Contains("backup", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AcceptRequest_LedgerOfAnotherSchema_RefusedAsCorrupt()
    {
        File.Delete(Harness.Store.LedgerPath);
        using (var other = new SqliteConnection($"Data Source={Harness.Store.LedgerPath};Pooling=False"))
        {
            other.Open();
            using var create = other.CreateCommand();
            create.CommandText = "CREATE TABLE notes (text TEXT)";
            create.ExecuteNonQuery();
        }

        var error = await Assert.ThrowsAsync<CredentialException>(() => IssueAsync());

        Assert.Contains("not an openrolesanywhere ledger", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AcceptRequest_LedgerTruncated_RefusedAsCorrupt()
    {
        await IssueAsync();
        var bytes = File.ReadAllBytes(Harness.Store.LedgerPath);
        // Keep the header, lose the pages: SQLite then finds a damaged database.
        File.WriteAllBytes(Harness.Store.LedgerPath, bytes[..(bytes.Length / 2)]);

        var error = await Assert.ThrowsAsync<CredentialException>(() => IssueAsync());

        Assert.Contains("corrupt", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ListCertificates_LedgerMissing_ClearError()
    {
        File.Delete(Harness.Store.LedgerPath);

        var error = Assert.Throws<CredentialException>(() => Harness.Admin().ListCertificates());

        Assert.Contains("admin create-ca", error.Message, StringComparison.Ordinal);
    }

    private Task<IssuedCertificate> IssueAsync(string? serial = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return Harness.Admin().AcceptRequestAsync(AdminHarness.Request(AdminHarness.CsrPem(key), serial: serial), CancellationToken.None);
    }
}
