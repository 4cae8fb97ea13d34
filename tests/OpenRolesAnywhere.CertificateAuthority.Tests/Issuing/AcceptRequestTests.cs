using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using OpenRolesAnywhere.CertificateAuthority.Issuing;
using OpenRolesAnywhere.CertificateAuthority.Ledger;
using OpenRolesAnywhere.CertificateAuthority.Tests.Support;
using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.Core.Certificates;

namespace OpenRolesAnywhere.CertificateAuthority.Tests.Issuing;

public sealed class AcceptRequestTests : AdminHarnessTest
{
    [Theory]
    [InlineData("ECC_NIST_P256", "p256")]
    [InlineData("ECC_NIST_P384", "rsa2048")]
    [InlineData("RSA_2048", "p384")]
    public async Task AcceptRequest_Csr_LeafThatChainsToTheCaForOpensslAndX509Chain(string caKeySpec, string requesterKey)
    {
        var (_, ca, profileArn) = await Harness.CreateCaWithProfileAsync(caKeySpec);
        using var key = TestCommon.TestKeys.Create(requesterKey);

        var issued = await Harness.Admin().AcceptRequestAsync(AdminHarness.Request(AdminHarness.CsrPem(key)), CancellationToken.None);

        using var leaf = X509Certificate2.CreateFromPem(issued.CertificatePem);
        using var root = Harness.LoadCa();
        Assert.Empty(issued.Warnings);
        Assert.Equal(TestCommon.TestKeys.PublicKeyOf(key).ExportSubjectPublicKeyInfo(), leaf.PublicKey.ExportSubjectPublicKeyInfo());
        Assert.Equal("O=myorg, CN=enduser", leaf.Subject);
        Assert.Equal(root.Subject, leaf.Issuer);
        Assert.Equal(X509ChainStatusFlags.NoError, Verification.ChainStatus(leaf, root));
        var leafPath = Verification.WritePem(Harness.Config, "leaf.pem", issued.CertificatePem);
        var (exit, output) = Verification.Openssl("verify", "-x509_strict", "-CAfile", Harness.Store.CaCertificatePath, leafPath);
        Assert.True(exit == 0, output);
        using var bundle = new CertificateBundle(X509Certificate2.CreateFromPem(issued.CertificatePem), []);
        Assert.Equal((ca.TrustAnchorArn, profileArn), bundle.ArnsFromSubjectAlternativeName());
    }

    [Fact]
    public async Task AcceptRequest_Extensions_AsTheIssueAsks()
    {
        await Harness.CreateCaWithProfileAsync();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var issued = await Harness.Admin().AcceptRequestAsync(AdminHarness.Request(AdminHarness.CsrPem(key)), CancellationToken.None);

        using var leaf = X509Certificate2.CreateFromPem(issued.CertificatePem);
        using var root = Harness.LoadCa();
        var usage = Assert.Single(leaf.Extensions.OfType<X509KeyUsageExtension>());
        Assert.True(usage.Critical);
        Assert.Equal(X509KeyUsageFlags.DigitalSignature, usage.KeyUsages);
        Assert.False(Assert.Single(leaf.Extensions.OfType<X509BasicConstraintsExtension>()).CertificateAuthority);
        Assert.Equal(new X509SubjectKeyIdentifierExtension(leaf.PublicKey, false).SubjectKeyIdentifier,
            Assert.Single(leaf.Extensions.OfType<X509SubjectKeyIdentifierExtension>()).SubjectKeyIdentifier);
        Assert.Equal(root.Extensions.OfType<X509SubjectKeyIdentifierExtension>().Single().SubjectKeyIdentifierBytes.ToArray(),
            Assert.Single(leaf.Extensions.OfType<X509AuthorityKeyIdentifierExtension>()).KeyIdentifier!.Value.ToArray());
        var text = Verification.Openssl("x509", "-in", Verification.WritePem(Harness.Config, "leaf.pem", issued.CertificatePem), "-noout", "-text").Output;
        Assert.Contains("Digital Signature", text, StringComparison.Ordinal);
        Assert.Contains("CA:FALSE", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AcceptRequest_NoSerialGiven_Random128BitSerialRecordedInTheLedger()
    {
        await Harness.CreateCaWithProfileAsync();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var first = await Harness.Admin().AcceptRequestAsync(AdminHarness.Request(AdminHarness.CsrPem(key)), CancellationToken.None);
        var second = await Harness.Admin().AcceptRequestAsync(AdminHarness.Request(AdminHarness.CsrPem(key)), CancellationToken.None);

        using var leaf = X509Certificate2.CreateFromPem(first.CertificatePem);
        Assert.Equal(128, (int)SerialNumbers.Of(leaf).GetBitLength());
        Assert.NotEqual(first.Entry.SerialNumber, second.Entry.SerialNumber);
        var entry = Harness.Admin().ListCertificates().Single(e => e.SerialNumber == first.Entry.SerialNumber);
        Assert.Equal((LedgerEntry.KindEndEntity, LedgerEntry.StatusIssued, leaf.Subject, leaf.Issuer), (entry.Kind, entry.Status, entry.Subject, entry.Issuer));
        Assert.Equal(DbIssuanceLedger.Fingerprint(leaf.PublicKey), entry.PublicKeySha256);
        Assert.Equal(new DateTimeOffset(leaf.NotAfter.ToUniversalTime()), entry.NotAfter);
    }

    [Fact]
    public async Task AcceptRequest_OpensslCsrAskingForExtensions_IssuedWithOnlyTheCasOwn()
    {
        await Harness.CreateCaWithProfileAsync();
        var keyPath = Harness.Config.File("openssl.key");
        var (keyExit, keyOutput) = Verification.Openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", keyPath);
        Assert.True(keyExit == 0, keyOutput);
        var csrPath = Harness.Config.File("openssl.csr");
        var (csrExit, csrOutput) = Verification.Openssl("req", "-new", "-key", keyPath, "-subj", "/CN=from-openssl", "-addext", "subjectAltName=DNS:evil.example",
            "-addext", "basicConstraints=critical,CA:TRUE", "-out", csrPath);
        Assert.True(csrExit == 0, csrOutput);

        var issued = await Harness.Admin().AcceptRequestAsync(AdminHarness.Request(File.ReadAllText(csrPath)), CancellationToken.None);

        using var leaf = X509Certificate2.CreateFromPem(issued.CertificatePem);
        Assert.False(leaf.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        Assert.DoesNotContain("evil.example", Verification.Openssl("x509", "-in", Verification.WritePem(Harness.Config, "leaf.pem", issued.CertificatePem), "-noout", "-text").Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AcceptRequest_BarePublicKey_IssuedWithAWarning()
    {
        var (_, ca, profileArn) = await Harness.CreateCaWithProfileAsync();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var issued = await Harness.Admin().AcceptRequestAsync(AdminHarness.Request(key.ExportSubjectPublicKeyInfoPem()), CancellationToken.None);

        Assert.Contains("proves", Assert.Single(issued.Warnings), StringComparison.Ordinal);
        using var bundle = new CertificateBundle(X509Certificate2.CreateFromPem(issued.CertificatePem), []);
        Assert.Equal((ca.TrustAnchorArn, profileArn), bundle.ArnsFromSubjectAlternativeName());
    }

    [Fact]
    public async Task AcceptRequest_CsrSignatureDoesNotVerify_RefusedNothingSignedNothingRecorded()
    {
        await Harness.CreateCaWithProfileAsync();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var der = new CertificateRequest("CN=requester", key, HashAlgorithmName.SHA256).CreateSigningRequest();
        // The subject's last byte lies inside the signed part: the signature no longer covers what is sent.
        var subjectOffset = der.AsSpan().IndexOf("requester"u8);
        der[subjectOffset] = (byte)'R';
        var signCalls = Harness.SignCalls;

        var error = await Assert.ThrowsAsync<CredentialException>(() => Harness.Admin().AcceptRequestAsync(
            AdminHarness.Request(PemEncoding.WriteString("CERTIFICATE REQUEST", der)), CancellationToken.None));

        Assert.Equal(CredentialErrorKind.InvalidInput, error.Kind);
        Assert.Contains("does not verify", error.Message, StringComparison.Ordinal);
        Assert.Contains("proof of possession", error.Message, StringComparison.Ordinal);
        Assert.Equal(signCalls, Harness.SignCalls);
        Assert.Single(Harness.Admin().ListCertificates());
    }

    [Theory]
    [InlineData("hello, this is not PEM", "no PEM block")]
    [InlineData("-----BEGIN CERTIFICATE REQUEST-----\nMIIBIjAN\n-----END CERTIFICATE REQUEST-----\n", "malformed")]
    [InlineData("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", "malformed")]
    [InlineData("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "expected a CERTIFICATE REQUEST")]
    public async Task AcceptRequest_MalformedPem_ClearErrorNothingRecorded(string pem, string expected)
    {
        await Harness.CreateCaWithProfileAsync();

        var error = await Assert.ThrowsAsync<CredentialException>(() => Harness.Admin().AcceptRequestAsync(AdminHarness.Request(pem), CancellationToken.None));

        Assert.Equal(CredentialErrorKind.InvalidInput, error.Kind);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains("request.pem", error.Message, StringComparison.Ordinal);
        Assert.Single(Harness.Admin().ListCertificates());
    }

    [Fact]
    public async Task AcceptRequest_PrivateKeySent_RefusedAndCalledCompromised()
    {
        await Harness.CreateCaWithProfileAsync();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var error = await Assert.ThrowsAsync<CredentialException>(() => Harness.Admin().AcceptRequestAsync(AdminHarness.Request(key.ExportPkcs8PrivateKeyPem()), CancellationToken.None));

        Assert.Contains("compromised", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AcceptRequest_KeyRolesAnywhereRefuses_Refused()
    {
        await Harness.CreateCaWithProfileAsync();
        using var key = RSA.Create(1024);

        var error = await Assert.ThrowsAsync<CredentialException>(() => Harness.Admin().AcceptRequestAsync(AdminHarness.Request(AdminHarness.CsrPem(key)), CancellationToken.None));

        Assert.Equal(CredentialErrorKind.KeyUnsupported, error.Kind);
        Assert.Contains("2048", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AcceptRequest_SerialUsedBefore_RefusedAndOnlyTheFirstRecorded()
    {
        await Harness.CreateCaWithProfileAsync(serial: "12345");
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var pem = AdminHarness.CsrPem(key);
        await Harness.Admin().AcceptRequestAsync(AdminHarness.Request(pem, serial: "67890"), CancellationToken.None);
        var signCalls = Harness.SignCalls;

        var again = await Assert.ThrowsAsync<CredentialException>(() => Harness.Admin().AcceptRequestAsync(AdminHarness.Request(pem, serial: "67890"), CancellationToken.None));
        var caSerial = await Assert.ThrowsAsync<CredentialException>(() => Harness.Admin().AcceptRequestAsync(AdminHarness.Request(pem, serial: "0x3039"), CancellationToken.None));

        Assert.Contains("67890 was used before", again.Message, StringComparison.Ordinal);
        Assert.Contains("12345 was used before", caSerial.Message, StringComparison.Ordinal);
        Assert.Equal(signCalls, Harness.SignCalls);
        Assert.Equal(["12345", "67890"], Harness.Admin().ListCertificates().Select(e => e.SerialNumber).Order());
    }

    [Fact]
    public async Task AcceptRequest_ConcurrentIssuersSameSerial_ExactlyOneWins()
    {
        await Harness.CreateCaWithProfileAsync();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var pem = AdminHarness.CsrPem(key);

        var attempts = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            try
            {
                return (await Harness.Admin(ledgerLockTimeout: TimeSpan.FromSeconds(20)).AcceptRequestAsync(AdminHarness.Request(pem, serial: "424242"), CancellationToken.None)).CertificatePem;
            }
            catch (CredentialException e) when (e.Message.Contains("used before", StringComparison.Ordinal))
            {
                return null;
            }
        })).ToList();
        var results = await Task.WhenAll(attempts);

        Assert.Single(results, r => r is not null);
        Assert.Single(Harness.Admin().ListCertificates(), e => e.SerialNumber == "424242");
    }

    [Fact]
    public async Task AcceptRequest_ValidityBeyondTheCa_RefusedSayingTheLongestPossible()
    {
        await Harness.CreateCaWithProfileAsync(validity: TimeSpan.FromHours(100));
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var signCalls = Harness.SignCalls;

        var error = await Assert.ThrowsAsync<CredentialException>(() => Harness.Admin().AcceptRequestAsync(
            AdminHarness.Request(AdminHarness.CsrPem(key), validity: TimeSpan.FromHours(8760)), CancellationToken.None));

        Assert.Equal(CredentialErrorKind.InvalidInput, error.Kind);
        Assert.Contains("after the CA certificate expires", error.Message, StringComparison.Ordinal);
        Assert.Contains("at most 99h", error.Message, StringComparison.Ordinal);
        Assert.Equal(signCalls, Harness.SignCalls);
        Assert.Single(Harness.Admin().ListCertificates());
    }

    [Fact]
    public async Task AcceptRequest_ValidityJustPastTheCa_CutToTheCaWithAWarning()
    {
        await Harness.CreateCaWithProfileAsync(validity: TimeSpan.FromHours(100));
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var issued = await Harness.Admin().AcceptRequestAsync(AdminHarness.Request(AdminHarness.CsrPem(key), validity: TimeSpan.FromHours(110)), CancellationToken.None);

        using var leaf = X509Certificate2.CreateFromPem(issued.CertificatePem);
        using var root = Harness.LoadCa();
        Assert.Equal(root.NotAfter, leaf.NotAfter);
        Assert.Contains("ends with the CA certificate", Assert.Single(issued.Warnings), StringComparison.Ordinal);
        Assert.Equal(new DateTimeOffset(root.NotAfter.ToUniversalTime()), issued.Entry.NotAfter);
    }

    [Fact]
    public async Task AcceptRequest_SameValidityAsTheCa_CutByTheSecondsBetweenWithoutAWarning()
    {
        // The README's walkthrough: CA and certificate both 8760h, issued seconds apart.
        await Harness.CreateCaWithProfileAsync(validity: TimeSpan.FromHours(8760));
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await Task.Delay(TimeSpan.FromSeconds(1.1));

        var issued = await Harness.Admin().AcceptRequestAsync(AdminHarness.Request(AdminHarness.CsrPem(key), validity: TimeSpan.FromHours(8760)), CancellationToken.None);

        using var leaf = X509Certificate2.CreateFromPem(issued.CertificatePem);
        using var root = Harness.LoadCa();
        Assert.Equal(root.NotAfter, leaf.NotAfter);
        Assert.Empty(issued.Warnings);
    }

    [Fact]
    public async Task AcceptRequest_ValidityInsideTheCa_EndsWhenAsked()
    {
        await Harness.CreateCaWithProfileAsync(validity: TimeSpan.FromHours(100));
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var before = DateTimeOffset.UtcNow;

        var issued = await Harness.Admin().AcceptRequestAsync(AdminHarness.Request(AdminHarness.CsrPem(key), validity: TimeSpan.FromHours(99)), CancellationToken.None);

        using var leaf = X509Certificate2.CreateFromPem(issued.CertificatePem);
        using var root = Harness.LoadCa();
        Assert.InRange(new DateTimeOffset(leaf.NotAfter.ToUniversalTime()), before.AddHours(99).AddSeconds(-1), DateTimeOffset.UtcNow.AddHours(99));
        Assert.True(leaf.NotBefore >= root.NotBefore);
    }

    [Fact]
    public async Task AcceptRequest_NoProfileYet_RefusedNamingCreateProfile()
    {
        var key = Harness.Kms.AddKey();
        await Harness.Admin().CreateCaAsync(new CreateCaRequest("Test", key.Id, TimeSpan.FromDays(30), new SubjectName("Root")), CancellationToken.None);
        using var requester = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var error = await Assert.ThrowsAsync<CredentialException>(() => Harness.Admin().AcceptRequestAsync(AdminHarness.Request(AdminHarness.CsrPem(requester)), CancellationToken.None));

        Assert.Contains("admin create-profile", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AcceptRequest_NoCaYet_RefusedNamingCreateCa()
    {
        using var requester = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var error = await Assert.ThrowsAsync<CredentialException>(() => Harness.Admin().AcceptRequestAsync(AdminHarness.Request(AdminHarness.CsrPem(requester)), CancellationToken.None));

        Assert.Equal(CredentialErrorKind.NotFound, error.Kind);
        Assert.Contains("admin create-ca", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AcceptRequest_KmsRefusesToSign_NothingRecorded()
    {
        var (key, _, _) = await Harness.CreateCaWithProfileAsync();
        key.DeniedOperations.Add("Sign");
        using var requester = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var error = await Assert.ThrowsAsync<CredentialException>(() => Harness.Admin().AcceptRequestAsync(AdminHarness.Request(AdminHarness.CsrPem(requester), serial: "777"), CancellationToken.None));

        Assert.Equal(CredentialErrorKind.AccessDenied, error.Kind);
        Assert.DoesNotContain(Harness.Admin().ListCertificates(), e => e.SerialNumber == "777");
    }

    [Fact]
    public async Task AcceptRequest_NamedProfile_ThatProfileInTheCertificate()
    {
        var (_, _, firstProfile) = await Harness.CreateCaWithProfileAsync();
        await Harness.Admin().CreateProfileAsync(new CreateProfileRequest("Second", [AdminHarness.RoleArn], TimeSpan.FromHours(1)), CancellationToken.None);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var issued = await Harness.Admin().AcceptRequestAsync(AdminHarness.Request(AdminHarness.CsrPem(key)) with { ProfileName = "TestProfile" }, CancellationToken.None);
        var unknown = await Assert.ThrowsAsync<CredentialException>(() => Harness.Admin().AcceptRequestAsync(AdminHarness.Request(AdminHarness.CsrPem(key)) with { ProfileName = "Nope" }, CancellationToken.None));

        using var bundle = new CertificateBundle(X509Certificate2.CreateFromPem(issued.CertificatePem), []);
        Assert.Equal(firstProfile, bundle.ArnsFromSubjectAlternativeName().ProfileArn);
        Assert.Contains("TestProfile, Second", unknown.Message, StringComparison.Ordinal);
    }
}
