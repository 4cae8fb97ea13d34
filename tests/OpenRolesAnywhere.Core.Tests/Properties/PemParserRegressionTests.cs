using OpenRolesAnywhere.Core.Certificates;
using OpenRolesAnywhere.Core.Signing;

namespace OpenRolesAnywhere.Core.Tests.Properties;

/// <summary>Inputs the property tests found (shrunk), kept as plain cases.</summary>
public sealed class PemParserRegressionTests
{
    // A CA certificate whose notBefore UTCTime has a byte changed ("2\x9c1003..."): it loads, and reading
    // NotBefore then threw CryptographicException ("unexpected ..., This is a bug").
    private const string MalformedValidity = """
        -----BEGIN CERTIFICATE-----
        MIIBlzCCAT2gAwIBAgIQL4oa3qssDYDSOr6MP/A9HzAKBggqhkjOPQQDAjAXMRUw
        EwYDVQQDEwxUZXN0IFJvb3QgQ0EwHhcNMpwxMDAzMDAyMzEyWhcNMzAxMjAxMDAy
        MzEyWjAfMR0wGwYDVQQDExRUZXN0IEludGVybWUcaWF0ZSBDQTBZMBMGByqGSM49
        AgEGCCqGSM49AwEHA0IABB/jLiRuAzIcFkRc61XMx0O4VBNtaHAnajMKysooUw6c
        AZgcY8uRhdgj9hpfLQL0M0B4Qt4BGy06kbZG50e1OlijYzBhMA8GA1UdEwEB/wQF
        MAMBAf8wDgYDVR0PAQH/BAQDAgEGMB0GA1UdDgQWBBRHRrgOXgjQ5rjEPZe6fsai
        jJT6KDAfBgNVHSMEGDAWgBRzK20CvpHaF5OQDUM+q/ycQENNeDAKBggqhkjOPQQD
        AgNIADBFAiAkWyXveZ11OhYzw0nkytkRel+8YeQjn6wULgX2PQPoVAIhAMuf0kMY
        cydCYLWHsOslHxl708MRDAqcZ3UEEPZG6lsz
        -----END CERTIFICATE-----
        """;

    // A PKCS#8 P-256 key whose curve OID has two bytes changed (1.2.840.1294083.1.7): ImportFromPem threw
    // PlatformNotSupportedException, which the loader did not expect.
    private const string UnknownCurve = """
        -----BEGIN PRIVATE KEY-----
        MIGHAgEAMBMGByqGSM49AgEGCCqGSM7+AwEHBG0wawIBAQQgcPt1LDKwWMjGUWA8
        lLGk2avedyc/R7HUe5WSVgLnYMOhRANCAAToCyt97l1mYB8yROYqZpFTwDHTCLqt
        PRq3oJfXtpdeRViUkVrbcM7aEZxwOD9iTJ6u0eAFqxWkxYisW6aRo/Kq
        -----END PRIVATE KEY-----
        """;

    // A leaf whose key's curve OID and point have bytes changed: the certificate loads, and decoding its key
    // threw PlatformNotSupportedException (unknown curve; "point is not on curve" for the point alone) out of PublicKeys.KindOf.
    private const string PointOffTheCurve = """
        -----BEGIN CERTIFICATE-----
        MIIB8jCCAZmgAwIBAgIQC1TpqioRYn72tbOeAYCiMTAKBggqhkjOPQQDAjAfMR0w
        GwYDVQQDExRUZXPxIEludGVybWVkaWF0ZSBDQTAeFw0yNjExMzAyMzI1MjhaFw0y
        NjEyMzEwMDI1MjhaMBMxETAPBgNVBAMTCHdvcmtsb2FkMFkwEwYHKoZIzj0CAQYI
        KoZIzj33AQcDQgAE3wFzeUAhtyEIHuqFd4u07AQgpQEIEIJ/9pMPHoPUGcsZNI6U
        Y6PAjP4toW++pKnuL0EUUwcyRZ0YHJRY/J993KOBwjCBvzAMBgNVHRMBAf8EAjAA
        MA4GA1UdDwEB/wQEAwIHgDAfBgNVHSMEGDAWgBSCWgWX3jQO3lwQXs8b/jkbKCGU
        1TB+BgNVHREEdzB1hjthcm46YXdzOnJvbGVzYW55d2hlcmU6dXMtZWFzdC0xOjEy
        MzQ1Njc4OTAxMjp0cnVzdC1hbmNob3IvYYY2YXJuOmF3czpyb2xlc2FueXdoZXJl
        OnVzLWVhc3QtMToxMjM0NTY3ODkwMTI6cHJvZmlsZS9wMAoGCCqGSM49BAMCA0cA
        MEQCID04FzVBY45HLB36Ev6SHTLHKYUk5qr2uE7ekzlfI5cZAiAdJ9x4UWc3fndT
        CvCHkreKnZ60LM0bcq3qakrzmXSGZA==
        -----END CERTIFICATE-----
        """;

    [Fact]
    public void KindOf_CertificateKeyOffItsCurve_IsAnUnsupportedKeyError()
    {
        var e = Assert.Throws<CredentialException>(() => PemParserPropertiesTests.ReadBundle(PointOffTheCurve));

        Assert.Equal(CredentialErrorKind.KeyUnsupported, e.Kind);
        Assert.Contains("malformed", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParsePem_CertificateWithMalformedValidityDate_IsACertificateError()
    {
        var e = Assert.Throws<CredentialException>(() => PemParserPropertiesTests.ReadBundle(MalformedValidity));

        Assert.Equal(CredentialErrorKind.CertificateInvalid, e.Kind);
        Assert.Contains("cert.pem holds a malformed certificate", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromPem_KeyOnACurveThisPlatformLacks_IsAnUnsupportedKeyError()
    {
        var e = Assert.Throws<CredentialException>(() => FileSigningKey.FromPem(UnknownCurve, "key.pem", () => null).Dispose());

        Assert.Equal(CredentialErrorKind.KeyUnsupported, e.Kind);
        Assert.Contains("key.pem", e.Message, StringComparison.Ordinal);
    }
}
