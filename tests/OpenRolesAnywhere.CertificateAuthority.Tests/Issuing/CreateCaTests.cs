using System.Security.Cryptography.X509Certificates;
using OpenRolesAnywhere.CertificateAuthority.Issuing;
using OpenRolesAnywhere.CertificateAuthority.Ledger;
using OpenRolesAnywhere.CertificateAuthority.Tests.Support;
using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.Core.Certificates;

namespace OpenRolesAnywhere.CertificateAuthority.Tests.Issuing;

public sealed class CreateCaTests : AdminHarnessTest
{
    [Theory]
    [InlineData("ECC_NIST_P256")]
    [InlineData("ECC_NIST_P384")]
    [InlineData("RSA_2048")]
    [InlineData("RSA_3072")]
    [InlineData("RSA_4096")]
    public async Task CreateCa_EachKeySpec_SelfSignedCaThatOpensslAndX509ChainAccept(string keySpec)
    {
        var key = Harness.Kms.AddKey(keySpec);

        var result = await Harness.Admin().CreateCaAsync(
            new CreateCaRequest("Test CA", key.Id, TimeSpan.FromHours(8760), new SubjectName("Root") { Organization = "myorg", Country = "de" }), CancellationToken.None);

        using var ca = Harness.LoadCa();
        Assert.Equal(key.Arn, result.KmsKeyArn);
        Assert.Equal(key.SubjectPublicKeyInfo, ca.PublicKey.ExportSubjectPublicKeyInfo());
        Assert.Equal("C=DE, O=myorg, CN=Root", ca.Subject);
        Assert.Equal(X509ChainStatusFlags.NoError, Verification.ChainStatus(ca, ca));
        var (exit, output) = Verification.Openssl("verify", "-x509_strict", "-CAfile", Harness.Store.CaCertificatePath, Harness.Store.CaCertificatePath);
        Assert.True(exit == 0, output);
        Assert.Contains(": OK", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateCa_Extensions_AsTheIssueAsksAndTheKeyArnRecorded()
    {
        var key = Harness.Kms.AddKey();

        await Harness.Admin().CreateCaAsync(new CreateCaRequest("Test CA", key.Id, TimeSpan.FromDays(30), new SubjectName("Root")), CancellationToken.None);

        using var ca = Harness.LoadCa();
        var constraints = Assert.Single(ca.Extensions.OfType<X509BasicConstraintsExtension>());
        Assert.True(constraints.Critical);
        Assert.True(constraints.CertificateAuthority);
        var usage = Assert.Single(ca.Extensions.OfType<X509KeyUsageExtension>());
        Assert.True(usage.Critical);
        Assert.Equal(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, usage.KeyUsages);
        var subjectKeyId = Assert.Single(ca.Extensions.OfType<X509SubjectKeyIdentifierExtension>());
        Assert.Equal(new X509SubjectKeyIdentifierExtension(ca.PublicKey, false).SubjectKeyIdentifier, subjectKeyId.SubjectKeyIdentifier);
        Assert.Equal([key.Arn], CertificateBundle.SubjectAlternativeUris(ca));
        var text = Verification.Openssl("x509", "-in", Harness.Store.CaCertificatePath, "-noout", "-text").Output;
        Assert.Contains("CA:TRUE", text, StringComparison.Ordinal);
        Assert.Contains("URI:" + key.Arn, text, StringComparison.Ordinal);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task CreateCa_RegistersTrustAnchorAndRemembersItsArn()
    {
        var key = Harness.Kms.AddKey(alias: "ca");

        var result = await Harness.Admin().CreateCaAsync(new CreateCaRequest("Test CA", "alias/ca", TimeSpan.FromDays(30), new SubjectName("Root"), "12345"), CancellationToken.None);

        var anchor = Assert.Single(Harness.ControlPlane.TrustAnchors);
        Assert.Equal(anchor.Arn, result.TrustAnchorArn);
        Assert.True(anchor.Enabled);
        Assert.Equal("CERTIFICATE_BUNDLE", anchor.SourceType);
        Assert.Equal(File.ReadAllText(Harness.Store.CaCertificatePath), anchor.CertificateData);
        Assert.Equal("true", anchor.Tags["openrolesanywhere"]);
        Assert.Equal("Test CA", anchor.Tags["Name"]);
        Assert.Equal(anchor.Arn, Harness.Store.Load().TrustAnchorArn);
        Assert.Equal(key.Arn, Harness.Store.Load().KmsKeyArn);
        Assert.Equal("12345", result.SerialNumber);
        var entry = Assert.Single(Harness.Admin().ListCertificates());
        Assert.Equal(("12345", LedgerEntry.KindCa), (entry.SerialNumber, entry.Kind));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Harness.Store.CaCertificatePath));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Harness.Store.LedgerPath));
    }

    [Fact]
    public async Task CreateCa_NoSerialGiven_Random128BitPositiveSerial()
    {
        var key = Harness.Kms.AddKey();

        var result = await Harness.Admin().CreateCaAsync(new CreateCaRequest("Test CA", key.Id, TimeSpan.FromDays(30), new SubjectName("Root")), CancellationToken.None);

        var serial = System.Numerics.BigInteger.Parse(result.SerialNumber, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(128, (int)serial.GetBitLength());
        using var ca = Harness.LoadCa();
        Assert.Equal(serial, SerialNumbers.Of(ca));
    }

    [Fact]
    public async Task CreateCa_KeyArnInAnotherRegion_KmsAskedInTheKeysRegionAnchorInTheConfiguredOne()
    {
        await using var usEast = await TestCommon.FakeRolesAnywhereControlPlane.FakeRolesAnywhereControlPlaneServer.StartAsync(
            "us-east-1", AdminHarness.AccessKeyId, AdminHarness.SecretAccessKey);
        var key = Harness.Kms.AddKey();
        var settings = Harness.Settings() with { Region = "us-east-1", RolesAnywhereEndpoint = usEast.Endpoint.ToString() };

        var result = await Harness.Admin(settings).CreateCaAsync(new CreateCaRequest("Test CA", key.Arn, TimeSpan.FromDays(30), new SubjectName("Root")), CancellationToken.None);

        Assert.StartsWith("arn:aws:rolesanywhere:us-east-1:", result.TrustAnchorArn, StringComparison.Ordinal);
        Assert.All(Harness.Kms.Calls, c => Assert.True(c.Accepted));
    }

    [Fact]
    public async Task CreateCa_Twice_RefusedAndTheFirstKept()
    {
        var (key, first, _) = await Harness.CreateCaWithProfileAsync();
        var pem = File.ReadAllText(Harness.Store.CaCertificatePath);

        var error = await Assert.ThrowsAsync<CredentialException>(() => Harness.Admin().CreateCaAsync(
            new CreateCaRequest("Other", key.Id, TimeSpan.FromDays(30), new SubjectName("Root")), CancellationToken.None));

        Assert.Equal(CredentialErrorKind.InvalidInput, error.Kind);
        Assert.Contains(first.TrustAnchorArn, error.Message, StringComparison.Ordinal);
        Assert.Equal(pem, File.ReadAllText(Harness.Store.CaCertificatePath));
        Assert.Single(Harness.ControlPlane.TrustAnchors);
    }

    [Fact]
    public async Task CreateCa_RegistrationRefused_SecondRunRegistersTheSavedCertificate()
    {
        var key = Harness.Kms.AddKey();
        Harness.ControlPlane.FailNext("CreateTrustAnchor", 403, "AccessDeniedException", "not allowed");
        var request = new CreateCaRequest("Test CA", key.Id, TimeSpan.FromDays(30), new SubjectName("Root"));

        var error = await Assert.ThrowsAsync<CredentialException>(() => Harness.Admin().CreateCaAsync(request, CancellationToken.None));
        var pem = File.ReadAllText(Harness.Store.CaCertificatePath);
        var retried = await Harness.Admin().CreateCaAsync(request, CancellationToken.None);

        Assert.Equal(CredentialErrorKind.AccessDenied, error.Kind);
        Assert.Contains("Run `admin create-ca` again", error.Message, StringComparison.Ordinal);
        Assert.True(retried.ReusedCertificate);
        Assert.Equal(pem, retried.CertificatePem);
        Assert.Equal(pem, Assert.Single(Harness.ControlPlane.TrustAnchors).CertificateData);
        Assert.Single(Harness.Admin().ListCertificates());
    }

    [Fact]
    public async Task CreateCa_KmsRefusesToSign_NoLedgerNoCertificateAndARetryWorks()
    {
        var key = Harness.Kms.AddKey();
        key.DeniedOperations.Add("Sign");
        var request = new CreateCaRequest("Test CA", key.Id, TimeSpan.FromDays(30), new SubjectName("Root"));

        var error = await Assert.ThrowsAsync<CredentialException>(() => Harness.Admin().CreateCaAsync(request, CancellationToken.None));

        Assert.Equal(CredentialErrorKind.AccessDenied, error.Kind);
        Assert.False(File.Exists(Harness.Store.LedgerPath));
        Assert.False(File.Exists(Harness.Store.CaCertificatePath));
        Assert.Empty(Harness.ControlPlane.TrustAnchors);
        key.DeniedOperations.Clear();
        await Harness.Admin().CreateCaAsync(request, CancellationToken.None);
        Assert.Single(Harness.ControlPlane.TrustAnchors);
    }

    [Theory]
    [InlineData("bad.name", "--name")]
    [InlineData("", "--name")]
    public async Task CreateCa_NameRolesAnywhereRefuses_RefusedBeforeAnyCall(string name, string flag)
    {
        var error = await Assert.ThrowsAsync<CredentialException>(() => Harness.Admin().CreateCaAsync(
            new CreateCaRequest(name, "alias/x", TimeSpan.FromDays(30), new SubjectName("Root")), CancellationToken.None));

        Assert.Equal(CredentialErrorKind.InvalidInput, error.Kind);
        Assert.Contains(flag, error.Message, StringComparison.Ordinal);
        Assert.Empty(Harness.Kms.Calls);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("12ab")]
    [InlineData("1461501637330902918203684832716283019655932542976")]
    public async Task CreateCa_BadSerial_RefusedBeforeAnyCall(string serial)
    {
        var error = await Assert.ThrowsAsync<CredentialException>(() => Harness.Admin().CreateCaAsync(
            new CreateCaRequest("Test", "alias/x", TimeSpan.FromDays(30), new SubjectName("Root"), serial), CancellationToken.None));

        Assert.Equal(CredentialErrorKind.InvalidInput, error.Kind);
        Assert.Contains("--serial-number", error.Message, StringComparison.Ordinal);
        Assert.Empty(Harness.Kms.Calls);
    }

    [Theory]
    [InlineData("DEU")]
    [InlineData("1")]
    public async Task CreateCa_CountryNotTwoLetters_Refused(string country)
    {
        var error = await Assert.ThrowsAsync<CredentialException>(() => Harness.Admin().CreateCaAsync(
            new CreateCaRequest("Test", "alias/x", TimeSpan.FromDays(30), new SubjectName("Root") { Country = country }), CancellationToken.None));

        Assert.Contains("--country", error.Message, StringComparison.Ordinal);
    }
}
