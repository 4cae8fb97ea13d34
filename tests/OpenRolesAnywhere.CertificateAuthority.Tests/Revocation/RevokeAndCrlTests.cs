using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using OpenRolesAnywhere.CertificateAuthority.Issuing;
using OpenRolesAnywhere.CertificateAuthority.Ledger;
using OpenRolesAnywhere.CertificateAuthority.Tests.Support;
using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.TestCommon.FakeRolesAnywhereControlPlane;

namespace OpenRolesAnywhere.CertificateAuthority.Tests.Revocation;

public sealed class RevokeAndCrlTests : IAsyncLifetime
{
    private AdminHarness _harness = null!;

    public async Task InitializeAsync() => _harness = await AdminHarness.StartAsync();

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Theory]
    [InlineData("ECC_NIST_P256")]
    [InlineData("ECC_NIST_P384")]
    [InlineData("RSA_2048")]
    public async Task PublishCrl_AfterRevoke_OpensslRefusesTheRevokedAndAcceptsTheOther(string keySpec)
    {
        var (_, ca, _) = await _harness.CreateCaWithProfileAsync(keySpec);
        var revoked = await IssueAsync();
        var kept = await IssueAsync();

        var entry = _harness.Admin().Revoke(revoked.Entry.SerialNumber, "key-compromise");
        var published = await _harness.Admin().PublishCrlAsync(null, CancellationToken.None);

        Assert.Equal((LedgerEntry.StatusRevoked, "key-compromise"), (entry.Status, entry.RevocationReason));
        Assert.True(published.Imported);
        Assert.Equal(1, published.RevokedCount);
        var crlPath = Verification.WritePem(_harness.Config, "crl.pem", PemEncoding.WriteString("X509 CRL", published.Der));
        var (crlExit, crlText) = Verification.Openssl("crl", "-in", crlPath, "-CAfile", _harness.Store.CaCertificatePath, "-noout", "-text");
        Assert.True(crlExit == 0, crlText);
        Assert.Contains("verify OK", crlText, StringComparison.Ordinal);
        Assert.Contains("Key Compromise", crlText, StringComparison.Ordinal);
        Assert.Contains(revoked.Entry.SerialNumberHex.ToUpperInvariant(), crlText.Replace(":", "", StringComparison.Ordinal), StringComparison.Ordinal);
        var refused = Verification.Openssl("verify", "-crl_check", "-CAfile", _harness.Store.CaCertificatePath, "-CRLfile", crlPath,
            Verification.WritePem(_harness.Config, "revoked.pem", revoked.CertificatePem));
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("certificate revoked", refused.Output, StringComparison.Ordinal);
        var accepted = Verification.Openssl("verify", "-crl_check", "-CAfile", _harness.Store.CaCertificatePath, "-CRLfile", crlPath,
            Verification.WritePem(_harness.Config, "kept.pem", kept.CertificatePem));
        Assert.True(accepted.ExitCode == 0, accepted.Output);
        var imported = Assert.Single(_harness.ControlPlane.Crls);
        Assert.Equal((ca.TrustAnchorArn, true, "TestCA-crl"), (imported.TrustAnchorArn, imported.Enabled, imported.Name));
        Assert.Equal(published.Der, imported.Data);
        Assert.Equal([System.Numerics.BigInteger.Parse(revoked.Entry.SerialNumber, System.Globalization.CultureInfo.InvariantCulture)], _harness.ControlPlane.RevokedSerials(ca.TrustAnchorArn));
    }

    [Fact]
    public async Task PublishCrl_SecondTime_UpdatesTheImportedCrlWithAHigherNumber()
    {
        var (_, ca, _) = await _harness.CreateCaWithProfileAsync();
        var first = await IssueAsync();
        var second = await IssueAsync();
        _harness.Admin().Revoke(first.Entry.SerialNumber, null);
        var one = await _harness.Admin().PublishCrlAsync(null, CancellationToken.None);

        _harness.Admin().Revoke(second.Entry.SerialNumberHex.Insert(0, "0x"), "superseded");
        var two = await _harness.Admin().PublishCrlAsync(TimeSpan.FromDays(1), CancellationToken.None);

        Assert.False(two.Imported);
        Assert.Equal(one.CrlArn, two.CrlArn);
        Assert.Equal(("1", "2"), (one.CrlNumber, two.CrlNumber));
        var crl = Assert.Single(_harness.ControlPlane.Crls);
        Assert.Equal(1, crl.Updates);
        Assert.Equal(two.Der, crl.Data);
        Assert.Equal(2, _harness.ControlPlane.RevokedSerials(ca.TrustAnchorArn).Count);
        Assert.Contains(_harness.ControlPlane.Calls, c => c.Operation == "UpdateCrl" && c.Method == "PATCH" && c.Status == 200);
        Assert.Equal(two.Der, _harness.Admin().PublishedCrlDer());
        using var root = _harness.LoadCa();
        Assert.Null(SignedDer.CheckCrl(two.Der, root));
    }

    [Fact]
    public async Task PublishCrl_NothingRevoked_EmptyCrlStillSignedAndImported()
    {
        await _harness.CreateCaWithProfileAsync();

        var published = await _harness.Admin().PublishCrlAsync(null, CancellationToken.None);

        Assert.Equal(0, published.RevokedCount);
        var crlPath = Verification.WritePem(_harness.Config, "crl.pem", PemEncoding.WriteString("X509 CRL", published.Der));
        var (exit, output) = Verification.Openssl("crl", "-in", crlPath, "-CAfile", _harness.Store.CaCertificatePath, "-noout");
        Assert.True(exit == 0, output);
        Assert.Single(_harness.ControlPlane.Crls);
    }

    [Fact]
    public async Task Revoke_UnknownSerial_NotFoundAndNothingChanged()
    {
        await _harness.CreateCaWithProfileAsync();
        var issued = await IssueAsync();

        var error = Assert.Throws<CredentialException>(() => _harness.Admin().Revoke("999999", null));

        Assert.Equal(CredentialErrorKind.NotFound, error.Kind);
        Assert.Contains("never issued serial number 999999", error.Message, StringComparison.Ordinal);
        Assert.All(_harness.Admin().ListCertificates(), e => Assert.Equal(LedgerEntry.StatusIssued, e.Status));
        Assert.NotNull(issued);
    }

    [Fact]
    public async Task Revoke_TheCaOrTwice_Refused()
    {
        var (_, ca, _) = await _harness.CreateCaWithProfileAsync();
        var issued = await IssueAsync();
        _harness.Admin().Revoke(issued.Entry.SerialNumber, null);

        var caError = Assert.Throws<CredentialException>(() => _harness.Admin().Revoke(ca.SerialNumber, null));
        var twice = Assert.Throws<CredentialException>(() => _harness.Admin().Revoke(issued.Entry.SerialNumber, null));

        Assert.Contains("the CA's own certificate", caError.Message, StringComparison.Ordinal);
        Assert.Contains("already revoked", twice.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("because", "--reason")]
    [InlineData("certificate-hold", "--reason")]
    public async Task Revoke_UnknownReason_RefusedListingTheReasons(string reason, string flag)
    {
        await _harness.CreateCaWithProfileAsync();
        var issued = await IssueAsync();

        var error = Assert.Throws<CredentialException>(() => _harness.Admin().Revoke(issued.Entry.SerialNumber, reason));

        Assert.Contains(flag, error.Message, StringComparison.Ordinal);
        Assert.Contains("key-compromise", error.Message, StringComparison.Ordinal);
        Assert.Equal(LedgerEntry.StatusIssued, _harness.Admin().ListCertificates().Single(e => e.SerialNumber == issued.Entry.SerialNumber).Status);
    }

    [Fact]
    public async Task PublishCrl_ImportRefused_ClearErrorAndTheNextPublishImports()
    {
        await _harness.CreateCaWithProfileAsync();
        _harness.ControlPlane.FailNext("ImportCrl", 403, "AccessDeniedException", "no");

        var error = await Assert.ThrowsAsync<CredentialException>(() => _harness.Admin().PublishCrlAsync(null, CancellationToken.None));
        var retried = await _harness.Admin().PublishCrlAsync(null, CancellationToken.None);

        Assert.Contains("rolesanywhere:ImportCrl", error.Message, StringComparison.Ordinal);
        Assert.True(retried.Imported);
        Assert.Single(_harness.ControlPlane.Crls);
    }

    private async Task<IssuedCertificate> IssueAsync()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return await _harness.Admin().AcceptRequestAsync(AdminHarness.Request(AdminHarness.CsrPem(key)), CancellationToken.None);
    }
}
