using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using OpenRolesAnywhere.CertificateAuthority.Issuing;
using OpenRolesAnywhere.CertificateAuthority.Ledger;
using OpenRolesAnywhere.CertificateAuthority.Tests.Support;
using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.TestCommon.FakeRolesAnywhereControlPlane;

namespace OpenRolesAnywhere.CertificateAuthority.Tests.Revocation;

public sealed class RevokeAndCrlTests : AdminHarnessTest
{
    [Theory]
    [InlineData("ECC_NIST_P256")]
    [InlineData("ECC_NIST_P384")]
    [InlineData("RSA_2048")]
    public async Task PublishCrl_AfterRevoke_OpensslRefusesTheRevokedAndAcceptsTheOther(string keySpec)
    {
        var (_, ca, _) = await Harness.CreateCaWithProfileAsync(keySpec);
        var revoked = await IssueAsync();
        var kept = await IssueAsync();

        var entry = Harness.Admin().Revoke(revoked.Entry.SerialNumber, "key-compromise");
        var published = await Harness.Admin().PublishCrlAsync(null, CancellationToken.None);

        Assert.Equal((LedgerEntry.StatusRevoked, "key-compromise"), (entry.Status, entry.RevocationReason));
        Assert.True(published.Imported);
        Assert.Equal(1, published.RevokedCount);
        var crlPath = Verification.WritePem(Harness.Config, "crl.pem", PemEncoding.WriteString("X509 CRL", published.Der));
        var (crlExit, crlText) = Verification.Openssl("crl", "-in", crlPath, "-CAfile", Harness.Store.CaCertificatePath, "-noout", "-text");
        Assert.True(crlExit == 0, crlText);
        Assert.Contains("verify OK", crlText, StringComparison.Ordinal);
        Assert.Contains("Key Compromise", crlText, StringComparison.Ordinal);
        Assert.Contains(revoked.Entry.SerialNumberHex.ToUpperInvariant(), crlText.Replace(":", "", StringComparison.Ordinal), StringComparison.Ordinal);
        var refused = Verification.Openssl("verify", "-crl_check", "-CAfile", Harness.Store.CaCertificatePath, "-CRLfile", crlPath,
            Verification.WritePem(Harness.Config, "revoked.pem", revoked.CertificatePem));
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("certificate revoked", refused.Output, StringComparison.Ordinal);
        var accepted = Verification.Openssl("verify", "-crl_check", "-CAfile", Harness.Store.CaCertificatePath, "-CRLfile", crlPath,
            Verification.WritePem(Harness.Config, "kept.pem", kept.CertificatePem));
        Assert.True(accepted.ExitCode == 0, accepted.Output);
        var imported = Assert.Single(Harness.ControlPlane.Crls);
        Assert.Equal((ca.TrustAnchorArn, true, "TestCA-crl"), (imported.TrustAnchorArn, imported.Enabled, imported.Name));
        Assert.Equal(published.Der, imported.Data);
        Assert.Equal([System.Numerics.BigInteger.Parse(revoked.Entry.SerialNumber, System.Globalization.CultureInfo.InvariantCulture)], Harness.ControlPlane.RevokedSerials(ca.TrustAnchorArn));
    }

    [Fact]
    public async Task PublishCrl_SecondTime_UpdatesTheImportedCrlWithAHigherNumber()
    {
        var (_, ca, _) = await Harness.CreateCaWithProfileAsync();
        var first = await IssueAsync();
        var second = await IssueAsync();
        Harness.Admin().Revoke(first.Entry.SerialNumber, null);
        var one = await Harness.Admin().PublishCrlAsync(null, CancellationToken.None);

        Harness.Admin().Revoke(second.Entry.SerialNumberHex.Insert(0, "0x"), "superseded");
        var two = await Harness.Admin().PublishCrlAsync(TimeSpan.FromDays(1), CancellationToken.None);

        Assert.False(two.Imported);
        Assert.Equal(one.CrlArn, two.CrlArn);
        Assert.Equal(("1", "2"), (one.CrlNumber, two.CrlNumber));
        var crl = Assert.Single(Harness.ControlPlane.Crls);
        Assert.Equal(1, crl.Updates);
        Assert.Equal(two.Der, crl.Data);
        Assert.Equal(2, Harness.ControlPlane.RevokedSerials(ca.TrustAnchorArn).Count);
        Assert.Contains(Harness.ControlPlane.Calls, c => c.Operation == "UpdateCrl" && c.Method == "PATCH" && c.Status == 200);
        Assert.Equal(two.Der, Harness.Admin().PublishedCrlDer());
        using var root = Harness.LoadCa();
        Assert.Null(SignedDer.CheckCrl(two.Der, root));
    }

    [Fact]
    public async Task PublishCrl_CrlDeletedInRolesAnywhere_ImportedAgain()
    {
        await Harness.CreateCaWithProfileAsync();
        var first = await Harness.Admin().PublishCrlAsync(null, CancellationToken.None);
        Harness.ControlPlane.FailNext("UpdateCrl", 404, "ResourceNotFoundException", "Resource not found.");

        var second = await Harness.Admin().PublishCrlAsync(null, CancellationToken.None);

        Assert.True(second.Imported);
        Assert.NotEqual(first.CrlArn, second.CrlArn);
        Assert.Equal(2, Harness.ControlPlane.Crls.Count);
        Assert.Equal(second.CrlArn, Harness.Store.Load().CrlArn);
    }

    [Fact]
    public async Task PublishCrl_NothingRevoked_EmptyCrlStillSignedAndImported()
    {
        await Harness.CreateCaWithProfileAsync();

        var published = await Harness.Admin().PublishCrlAsync(null, CancellationToken.None);

        Assert.Equal(0, published.RevokedCount);
        var crlPath = Verification.WritePem(Harness.Config, "crl.pem", PemEncoding.WriteString("X509 CRL", published.Der));
        var (exit, output) = Verification.Openssl("crl", "-in", crlPath, "-CAfile", Harness.Store.CaCertificatePath, "-noout");
        Assert.True(exit == 0, output);
        Assert.Single(Harness.ControlPlane.Crls);
    }

    [Fact]
    public async Task Revoke_UnknownSerial_NotFoundAndNothingChanged()
    {
        await Harness.CreateCaWithProfileAsync();
        var issued = await IssueAsync();

        var error = Assert.Throws<CredentialException>(() => Harness.Admin().Revoke("999999", null));

        Assert.Equal(CredentialErrorKind.NotFound, error.Kind);
        Assert.Contains("never issued serial number 999999", error.Message, StringComparison.Ordinal);
        Assert.All(Harness.Admin().ListCertificates(), e => Assert.Equal(LedgerEntry.StatusIssued, e.Status));
        Assert.NotNull(issued);
    }

    [Fact]
    public async Task Revoke_TheCaOrTwice_Refused()
    {
        var (_, ca, _) = await Harness.CreateCaWithProfileAsync();
        var issued = await IssueAsync();
        Harness.Admin().Revoke(issued.Entry.SerialNumber, null);

        var caError = Assert.Throws<CredentialException>(() => Harness.Admin().Revoke(ca.SerialNumber, null));
        var twice = Assert.Throws<CredentialException>(() => Harness.Admin().Revoke(issued.Entry.SerialNumber, null));

        Assert.Contains("the CA's own certificate", caError.Message, StringComparison.Ordinal);
        Assert.Contains("already revoked", twice.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("because", "--reason")]
    [InlineData("certificate-hold", "--reason")]
    public async Task Revoke_UnknownReason_RefusedListingTheReasons(string reason, string flag)
    {
        await Harness.CreateCaWithProfileAsync();
        var issued = await IssueAsync();

        var error = Assert.Throws<CredentialException>(() => Harness.Admin().Revoke(issued.Entry.SerialNumber, reason));

        Assert.Contains(flag, error.Message, StringComparison.Ordinal);
        Assert.Contains("key-compromise", error.Message, StringComparison.Ordinal);
        Assert.Equal(LedgerEntry.StatusIssued, Harness.Admin().ListCertificates().Single(e => e.SerialNumber == issued.Entry.SerialNumber).Status);
    }

    [Fact]
    public async Task PublishCrl_ImportRefused_ClearErrorAndTheNextPublishImports()
    {
        await Harness.CreateCaWithProfileAsync();
        Harness.ControlPlane.FailNext("ImportCrl", 403, "AccessDeniedException", "no");

        var error = await Assert.ThrowsAsync<CredentialException>(() => Harness.Admin().PublishCrlAsync(null, CancellationToken.None));
        var retried = await Harness.Admin().PublishCrlAsync(null, CancellationToken.None);

        Assert.Contains("rolesanywhere:ImportCrl", error.Message, StringComparison.Ordinal);
        Assert.True(retried.Imported);
        Assert.Single(Harness.ControlPlane.Crls);
    }

    private async Task<IssuedCertificate> IssueAsync()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return await Harness.Admin().AcceptRequestAsync(AdminHarness.Request(AdminHarness.CsrPem(key)), CancellationToken.None);
    }
}
