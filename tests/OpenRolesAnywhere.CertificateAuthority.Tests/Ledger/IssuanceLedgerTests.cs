using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using OpenRolesAnywhere.CertificateAuthority.Tests.Support;
using OpenRolesAnywhere.Core;

namespace OpenRolesAnywhere.CertificateAuthority.Tests.Ledger;

/// <summary>A ledger that cannot record means no certificate: never one issued and left unrecorded.</summary>
public sealed class IssuanceLedgerTests : IAsyncLifetime
{
    private AdminHarness _harness = null!;

    public async Task InitializeAsync()
    {
        _harness = await AdminHarness.StartAsync();
        await _harness.CreateCaWithProfileAsync();
    }

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task AcceptRequest_LedgerMissing_RefusedBeforeKmsSigns()
    {
        File.Delete(_harness.Store.LedgerPath);
        var signCalls = _harness.SignCalls;

        var error = await Assert.ThrowsAsync<CredentialException>(() => IssueAsync());

        Assert.Equal(CredentialErrorKind.NotFound, error.Kind);
        Assert.Contains(_harness.Store.LedgerPath, error.Message, StringComparison.Ordinal);
        Assert.Contains("Nothing was issued", error.Message, StringComparison.Ordinal);
        Assert.Equal(signCalls, _harness.SignCalls);
        Assert.False(File.Exists(_harness.Store.LedgerPath));
    }

    [Fact]
    public async Task AcceptRequest_LedgerLockedByAnotherWriter_RefusedBeforeKmsSignsAndNothingRecorded()
    {
        var signCalls = _harness.SignCalls;
        using (var holder = new SqliteConnection($"Data Source={_harness.Store.LedgerPath};Pooling=False"))
        {
            holder.Open();
            using var exclusive = holder.CreateCommand();
            exclusive.CommandText = "BEGIN EXCLUSIVE";
            exclusive.ExecuteNonQuery();

            var error = await Assert.ThrowsAsync<CredentialException>(() => IssueAsync("5150"));

            Assert.Equal(CredentialErrorKind.ServiceUnavailable, error.Kind);
            Assert.Contains("locked by another issuer", error.Message, StringComparison.Ordinal);
            Assert.Equal(signCalls, _harness.SignCalls);
        }

        Assert.DoesNotContain(_harness.Admin().ListCertificates(), e => e.SerialNumber == "5150");
        await IssueAsync("5150");
    }

    [Fact]
    public async Task AcceptRequest_LedgerNotADatabase_RefusedAsCorrupt()
    {
        File.WriteAllBytes(_harness.Store.LedgerPath, RandomNumberGenerator.GetBytes(8192));

        var error = await Assert.ThrowsAsync<CredentialException>(() => IssueAsync());

        Assert.Contains("corrupt", error.Message, StringComparison.Ordinal);
        Assert.Contains("backup", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AcceptRequest_LedgerOfAnotherSchema_RefusedAsCorrupt()
    {
        File.Delete(_harness.Store.LedgerPath);
        using (var other = new SqliteConnection($"Data Source={_harness.Store.LedgerPath};Pooling=False"))
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
        var bytes = File.ReadAllBytes(_harness.Store.LedgerPath);
        // Keep the header, lose the pages: SQLite then finds a damaged database.
        File.WriteAllBytes(_harness.Store.LedgerPath, bytes[..(bytes.Length / 2)]);

        var error = await Assert.ThrowsAsync<CredentialException>(() => IssueAsync());

        Assert.Contains("corrupt", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ListCertificates_LedgerMissing_ClearError()
    {
        File.Delete(_harness.Store.LedgerPath);

        var error = Assert.Throws<CredentialException>(() => _harness.Admin().ListCertificates());

        Assert.Contains("admin create-ca", error.Message, StringComparison.Ordinal);
    }

    private Task<IssuedCertificate> IssueAsync(string? serial = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return _harness.Admin().AcceptRequestAsync(AdminHarness.Request(AdminHarness.CsrPem(key), serial: serial), CancellationToken.None);
    }
}
