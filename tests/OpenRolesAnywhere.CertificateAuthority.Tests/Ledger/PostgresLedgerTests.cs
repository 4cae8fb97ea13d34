using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using OpenRolesAnywhere.CertificateAuthority.Ledger;
using OpenRolesAnywhere.CertificateAuthority.State;
using OpenRolesAnywhere.CertificateAuthority.Tests.Support;
using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.TestCommon;
using OpenRolesAnywhere.TestCommon.Postgres;

using System.Runtime.Versioning;

namespace OpenRolesAnywhere.CertificateAuthority.Tests.Ledger;

/// <summary>One real PostgreSQL for the class; each test has a database of its own.</summary>
public sealed class PostgresServerFixture : IAsyncLifetime
{
    public PostgresServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await PostgresServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>The ledger in PostgreSQL keeps the SQLite ledger's guarantees, with issuers in more than one place.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class PostgresLedgerTests(PostgresServerFixture postgres) : IClassFixture<PostgresServerFixture>, IAsyncLifetime
{
    private PostgresServer Server => postgres.Server;

    private string _database = null!;

    private AdminHarness Harness { get; set; } = null!;

    public async Task InitializeAsync()
    {
        _database = await Server.CreateDatabaseAsync();
        Harness = await AdminHarness.StartAsync(Server.ConnectionString(_database));
    }

    public async Task DisposeAsync() => await Harness.DisposeAsync();

    [Fact]
    public async Task AdminOperations_PostgresLedger_IssueListRevokeExpiringAndCrlAsOnSqlite()
    {
        var (_, ca, _) = await Harness.CreateCaWithProfileAsync();
        var revoked = await IssueAsync(validity: TimeSpan.FromDays(3));
        var kept = await IssueAsync();
        var soon = await IssueAsync(validity: TimeSpan.FromDays(2));

        var entry = Harness.Admin().Revoke(revoked.Entry.SerialNumber, "key-compromise");
        var published = await Harness.Admin().PublishCrlAsync(null, CancellationToken.None);
        var again = await Harness.Admin().PublishCrlAsync(null, CancellationToken.None);

        Assert.False(File.Exists(Harness.Store.LedgerPath));
        Assert.Equal(4, Harness.Admin().ListCertificates().Count);
        Assert.Equal((LedgerEntry.StatusRevoked, "key-compromise"), (entry.Status, entry.RevocationReason));
        Assert.Equal("4", await Server.SqlAsync(_database, "SELECT count(*) FROM certificates"));
        Assert.Equal($"{revoked.Entry.SerialNumber}|revoked", await Server.SqlAsync(_database, "SELECT serial, status FROM certificates WHERE status = 'revoked'"));
        Assert.Equal(("1", "2"), (published.CrlNumber, again.CrlNumber));
        var expiring = new ListCertificates(Harness.Admin().Context).Run(TimeSpan.FromDays(7));
        Assert.Equal([soon.Entry.SerialNumber], expiring.Select(e => e.SerialNumber));
        var crlPath = Verification.WritePem(Harness.Config, "crl.pem", PemEncoding.WriteString("X509 CRL", published.Der));
        var refused = Verification.Openssl("verify", "-crl_check", "-CAfile", Harness.Store.CaCertificatePath, "-CRLfile", crlPath,
            Verification.WritePem(Harness.Config, "revoked.pem", revoked.CertificatePem));
        Assert.Contains("certificate revoked", refused.Output, StringComparison.Ordinal);
        var accepted = Verification.Openssl("verify", "-crl_check", "-CAfile", Harness.Store.CaCertificatePath, "-CRLfile", crlPath,
            Verification.WritePem(Harness.Config, "kept.pem", kept.CertificatePem));
        Assert.True(accepted.ExitCode == 0, accepted.Output);
        Assert.NotNull(ca.TrustAnchorArn);
    }

    [Fact]
    public async Task AcceptRequest_TwoReplicasSameSerialAtOnce_ExactlyOneWinsAndTheOthersSignNothing()
    {
        await Harness.CreateCaWithProfileAsync();
        var signCalls = Harness.SignCalls;
        // Two issuers as two replicas have them: contexts of their own over one database.
        var replicas = new[] { Harness.Admin(ledgerLockTimeout: TimeSpan.FromSeconds(30)), Harness.Admin(ledgerLockTimeout: TimeSpan.FromSeconds(30)) };

        var attempts = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            try
            {
                return (IssuedCertificate?)await IssueAsync("777", replicas[i % 2]);
            }
            catch (CredentialException e) when (e.Message.Contains("was used before", StringComparison.Ordinal))
            {
                return null;
            }
        })));

        var winner = Assert.Single(attempts, a => a is not null);
        Assert.Equal("777", winner!.Entry.SerialNumber);
        Assert.Equal(signCalls + 1, Harness.SignCalls);
        Assert.Equal("1", await Server.SqlAsync(_database, "SELECT count(*) FROM certificates WHERE serial = '777'"));
    }

    [Fact]
    public async Task AcceptRequest_TwoReplicasManySerialsAtOnce_NoneLost()
    {
        await Harness.CreateCaWithProfileAsync();
        var replicas = new[] { Harness.Admin(ledgerLockTimeout: TimeSpan.FromSeconds(30)), Harness.Admin(ledgerLockTimeout: TimeSpan.FromSeconds(30)) };

        var issued = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(() => IssueAsync(null, replicas[i % 2]))));

        var listed = Harness.Admin().ListCertificates().Where(e => e.Kind == LedgerEntry.KindEndEntity).Select(e => e.SerialNumber).Order();
        Assert.Equal(issued.Select(i => i.Entry.SerialNumber).Order(), listed);
        Assert.Equal("16", await Server.SqlAsync(_database, "SELECT count(DISTINCT serial) FROM certificates WHERE kind = 'end-entity'"));
    }

    [Fact]
    public async Task AcceptRequest_SerialLockedByAnotherIssuer_RefusedBeforeKmsSignsThenIssuable()
    {
        await Harness.CreateCaWithProfileAsync();
        var signCalls = Harness.SignCalls;
        // Another issuer holds serial 5150's claim (its transaction open) for longer than our lock timeout.
        var holder = Server.SqlAsync(_database, "BEGIN; SELECT pg_advisory_xact_lock(hashtextextended('5150', 0)); SELECT pg_sleep(4); COMMIT;");
        await Task.Delay(TimeSpan.FromSeconds(1));

        var error = await Assert.ThrowsAsync<CredentialException>(() => IssueAsync("5150"));

        Assert.Equal(CredentialErrorKind.ServiceUnavailable, error.Kind);
        Assert.Contains("locked by another issuer", error.Message, StringComparison.Ordinal);
        Assert.Equal(signCalls, Harness.SignCalls);
        await holder;
        Assert.Equal("5150", (await IssueAsync("5150")).Entry.SerialNumber);
    }

    [Fact]
    public async Task AcceptRequest_SerialInTheTableWithoutTheClaim_RefusedByThePrimaryKey()
    {
        await Harness.CreateCaWithProfileAsync();
        var issued = await IssueAsync("9001");

        // As an issuer that skipped the claim would: the unique constraint is the last word.
        var error = await Assert.ThrowsAsync<CredentialException>(() => IssueAsync("9001"));

        Assert.Contains("was used before", error.Message, StringComparison.Ordinal);
        Assert.Equal("1", await Server.SqlAsync(_database, "SELECT count(*) FROM certificates WHERE serial = '9001'"));
        Assert.Contains("PRIMARY KEY", await Server.SqlAsync(_database,
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'certificates'::regclass AND contype = 'p'"), StringComparison.Ordinal);
        Assert.Equal("9001", issued.Entry.SerialNumber);
    }

    [Fact]
    public async Task CreateCa_DatabaseHoldsALedgerAlready_RefusedAndTheLedgerKept()
    {
        await Harness.CreateCaWithProfileAsync();
        await using var second = await AdminHarness.StartAsync(Server.ConnectionString(_database));

        var error = await Assert.ThrowsAsync<CredentialException>(() => second.CreateCaWithProfileAsync());

        Assert.Contains("already exists", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Server.Password, error.Message, StringComparison.Ordinal);
        Assert.Single(Harness.Admin().ListCertificates());
        Assert.False(second.Store.HasCaCertificate);
    }

    [Fact]
    public async Task CreateCa_KmsRefusesToSign_NoLedgerLeftSoItCanRunAgain()
    {
        var key = Harness.Kms.AddKey();
        key.DeniedOperations.Add("Sign");
        var request = new CreateCaRequest("TestCA", key.Id, TimeSpan.FromDays(30), new CertificateAuthority.Issuing.SubjectName("Root"));

        var error = await Assert.ThrowsAsync<CredentialException>(() => Harness.Admin().CreateCaAsync(request, CancellationToken.None));
        var tablesAfterFailure = await Server.SqlAsync(_database, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'");
        key.DeniedOperations.Clear();
        await Harness.Admin().CreateCaAsync(request, CancellationToken.None);

        Assert.Equal(CredentialErrorKind.AccessDenied, error.Kind);
        Assert.Equal("0", tablesAfterFailure);
        Assert.Single(Harness.Admin().ListCertificates());
    }

    [Fact]
    public async Task ListCertificates_DatabaseWithoutLedger_NotFoundSayingCreateCa()
    {
        var empty = await Server.CreateDatabaseAsync();
        await using var other = await AdminHarness.StartAsync(Server.ConnectionString(empty));

        var error = Assert.Throws<CredentialException>(() => other.Admin().ListCertificates());

        Assert.Equal(CredentialErrorKind.NotFound, error.Kind);
        Assert.Contains("admin create-ca", error.Message, StringComparison.Ordinal);
        Assert.Contains(empty, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListCertificates_WrongPassword_LoginRefusedAndNoPasswordInTheMessage()
    {
        await Harness.CreateCaWithProfileAsync();
        var wrong = Server.ConnectionString(_database).Replace(Server.Password, "not-the-password-42", StringComparison.Ordinal);
        var store = new CaStateStore(Harness.Store.Directory, wrong);

        var error = Assert.Throws<CredentialException>(() => new ListCertificates(new CaContext(store, Harness.Settings(), TimeProvider.System, null)).Run());

        Assert.Equal(CredentialErrorKind.InvalidInput, error.Kind);
        Assert.Contains("refused the login", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password-42", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password-42", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AcceptRequest_ServerUnreachable_ServiceUnavailableBeforeKmsSigns()
    {
        await Harness.CreateCaWithProfileAsync();
        var signCalls = Harness.SignCalls;
        var unreachable = Server.ConnectionString(_database).Replace($"Port={Server.Port}", $"Port={TestCommon.LoopbackHost.FreePort.Next()}", StringComparison.Ordinal);
        var admin = new AdminOperations(new CaContext(new CaStateStore(Harness.Store.Directory, unreachable), Harness.Settings(), TimeProvider.System, Harness.Http));

        var error = await Assert.ThrowsAsync<CredentialException>(() => admin.AcceptRequestAsync(AdminHarness.Request(CsrPem()), CancellationToken.None));

        Assert.Equal(CredentialErrorKind.ServiceUnavailable, error.Kind);
        Assert.Contains("cannot be reached", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Server.Password, error.Message, StringComparison.Ordinal);
        Assert.Equal(signCalls, Harness.SignCalls);
    }

    [Theory]
    [InlineData("Host=127.0.0.1;Password=hunter2-secret;Nonsense=1")]
    [InlineData("Host=127.0.0.1;Port=notaport;Password=hunter2-secret")]
    [InlineData("Host=127.0.0.1;Password=hunter2-secret")]
    public void ListCertificates_MalformedConnectionString_InvalidInputRepeatingNoneOfIt(string connectionString)
    {
        var store = new CaStateStore(Harness.Store.Directory, connectionString);

        var error = Assert.Throws<CredentialException>(() => new ListCertificates(new CaContext(store, Harness.Settings(), TimeProvider.System, null)).Run());

        Assert.Equal(CredentialErrorKind.InvalidInput, error.Kind);
        Assert.Contains(PostgresConnection.Variable, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Default_ConnectionStringFileWorldReadable_RefusedByThePrivateFileCheck()
    {
        var path = Harness.Config.File("ledger-connection");
        File.WriteAllText(path, Server.ConnectionString(_database));
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        string? Environment(string name) => name == PostgresConnection.FileVariable ? path : null;

        var error = Assert.Throws<CredentialException>(() => CaStateStore.Default(Environment));

        Assert.Contains("chmod", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Server.Password, error.Message, StringComparison.Ordinal);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Assert.Equal(Server.ConnectionString(_database), CaStateStore.Default(Environment).LedgerConnectionString);
    }

    [Fact]
    public void Default_BothVariablesSet_RefusedNamingBoth()
    {
        string? Environment(string name) => name.StartsWith(PostgresConnection.Variable, StringComparison.Ordinal) ? "x" : null;

        var error = Assert.Throws<CredentialException>(() => CaStateStore.Default(Environment));

        Assert.Contains(PostgresConnection.FileVariable, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PostgresServer_StartedByTheTests_RunsUnprivilegedEvenUnderRoot()
    {
        var pid = File.ReadLines(Path.Combine(Server.DataDirectory, "postmaster.pid")).First();
        var uid = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("Uid:", StringComparison.Ordinal)).Split('\t', StringSplitOptions.RemoveEmptyEntries)[1];

        Assert.NotEqual("0", uid);
        Assert.Equal(Environment.IsPrivilegedProcess, Server.RunAs is not null);
    }

    private static string CsrPem()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return AdminHarness.CsrPem(key);
    }

    private Task<IssuedCertificate> IssueAsync(string? serial = null, AdminOperations? admin = null, TimeSpan? validity = null) =>
        (admin ?? Harness.Admin()).AcceptRequestAsync(AdminHarness.Request(CsrPem(), validity, serial), CancellationToken.None);
}
