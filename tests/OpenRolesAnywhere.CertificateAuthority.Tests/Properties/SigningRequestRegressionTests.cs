using OpenRolesAnywhere.CertificateAuthority.Issuing;
using OpenRolesAnywhere.Core;

namespace OpenRolesAnywhere.CertificateAuthority.Tests.Properties;

/// <summary>Inputs the property tests found (shrunk), kept as plain cases.</summary>
public sealed class SigningRequestRegressionTests
{
    // A P-256 CSR whose curve OID has bytes changed (1.2.840.44.61.3.38.7): verifying its signature threw
    // PlatformNotSupportedException, which accept-request reported as "unexpected ... This is a bug".
    private const string UnknownCurve = """
        -----BEGIN CERTIFICATE REQUEST-----
        MIHNMHYCAQAwFDESMBAGA1UEAxMJcmVxdWVzdGVyMFkwEwYHKoZIzj0CAQYIKoZI
        zmYDAQcDQgAEO0nVNevQTvMnil+6KPNUiWAz4Pt+F8qmrnFOxf8XEg2+SShxDdZX
        YrmV6DCsLr7bmQ52SijRRxk5IJGgFGF1SaAAMAoGCCqGSM49BAMCA0cAMEQCIH49
        Ogf1hjCTGwXkXW/NcJyqwy0vnElCO3ScBjbxguTzAiAcatD0MD3y2KQ0HcdyuKWV
        agr54pC4lv7M1DRECoyf4A==
        -----END CERTIFICATE REQUEST-----
        """;

    // An RSA CSR whose signature algorithm OID has a byte changed (1.2.840.113549.1.1.63): verifying it threw
    // NotSupportedException ("not a known key algorithm").
    private const string UnknownSignatureAlgorithm = """
        -----BEGIN CERTIFICATE REQUEST-----
        MIICWTCCAUECAQAwFDESMBAGA1UEAxMJcmVxdWVzdGVyMIIBIjANBgkqhkiG9w0B
        AQEFAAOCAQ8AMIIBCgKCAQEA1A6wPPNEk8VV0rKBMxjp3cgIkR1UuHNzf/sS2IeU
        Fl9mff65H3NIaegRHpAo+HXvVIv+yM3wCClpaNf7Bl1fOx3W5o4kHBoeL0yFT/Tr
        XnAwkomb25JK+oyMV/ZPxzCkbUwsxSST2kKwxZ45GTsyInkIlb91B0fPUSZReKhI
        N4HnMPcvySjYA1e3u5Tzi4Ml8JRGper/zNcYo0rt9QtJUBhOsFuXa3GcLEseO+T5
        2uK1iDYhCDH7FLrQH+JI+ydObIs8H1jP+LrR+lKYDZsywf40MDgkBV5J9b3p5ggz
        NdwzV+rC2IubXekwmtgXEyYR3i5GVIvMSvNYPYc/4BYUhwIDAQABoAAwDQYJKoZI
        hvcNAT8LBQADggEBAJ4IcQLlxW08E0CAuMIM5ETl27JKx+HgCki9xOn09XH83c0W
        yuMJFmMzLJe1sj+fQM4zC8HhRb7VWWN4VLYiCKUYBa9fOOKLtt1LsTDlbRZ2awQd
        tTr8csWRQbzIVBOARS4LQw0xp73bZqgz9Q0CGh6yXOIIxiODJP/l9Bz2cXM3tAOW
        Uq5xXtn8Bcl65aJ6wQSK7Odhp+pXNSiLdy5pDPYGVagC8SVU4oQ9ibJJCJj6J8y3
        qL1k7tMYV6R5dhyRLCZusf97w0wDpCjeWyPIspGQ6eIpzZdyZl6KUTC/qPVe5sMm
        rmPi2Oy9C2LXObZ302k1FYwM3bJRmAOiCH7fh8c=
        -----END CERTIFICATE REQUEST-----
        """;

    [Fact]
    public void Parse_CsrSignedWithAnUnknownAlgorithm_IsAUsageErrorNamingTheFile()
    {
        var e = Assert.Throws<CredentialException>(() => SigningRequest.Parse(UnknownSignatureAlgorithm, "request.pem"));

        Assert.Equal(CredentialErrorKind.InvalidInput, e.Kind);
        Assert.Contains("request.pem", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_CsrOnACurveThisPlatformLacks_IsAUsageErrorNamingTheFile()
    {
        var e = Assert.Throws<CredentialException>(() => SigningRequest.Parse(UnknownCurve, "request.pem"));

        Assert.Equal(CredentialErrorKind.InvalidInput, e.Kind);
        Assert.Contains("request.pem", e.Message, StringComparison.Ordinal);
    }
}
