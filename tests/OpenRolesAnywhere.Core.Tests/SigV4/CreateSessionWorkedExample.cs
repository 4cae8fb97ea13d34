using System.Globalization;
using System.Text;
using OpenRolesAnywhere.Core.Certificates;
using OpenRolesAnywhere.Core.SigV4;
using OpenRolesAnywhere.Core.Signing;

namespace OpenRolesAnywhere.Core.Tests.SigV4;

/// <summary>
/// The CreateSession worked example of docs/createsession.md: fixed inputs, and the files in
/// TestData/worked-example (key, certificate, and expected outputs computed by make-expected.py, a
/// Python implementation that shares nothing with Core).
/// </summary>
internal static class CreateSessionWorkedExample
{
    public const string Region = "eu-west-1";
    public const string Host = "rolesanywhere.eu-west-1.amazonaws.com";
    public const string TrustAnchorArn = "arn:aws:rolesanywhere:eu-west-1:123456789012:trust-anchor/4e1c2a0b-7d3f-4b8e-9a65-0c2d7f1e3b59";
    public const string ProfileArn = "arn:aws:rolesanywhere:eu-west-1:123456789012:profile/b7d05c3e-1f2a-4c69-8e47-6a9b3d2c0f18";
    public const string RoleArn = "arn:aws:iam::123456789012:role/worked-example";
    public const string Body = """{"durationSeconds":3600}""";

    /// <summary>The files the doc quotes; each must appear there.</summary>
    public static readonly string[] QuotedFiles =
    [
        "expected-canonical-request.txt",
        "expected-string-to-sign.txt",
        "expected-signature.txt",
        "expected-authorization-header.txt",
        "expected-http-request.txt",
        "example-response.json",
    ];

    public static readonly DateTimeOffset Time = new(2026, 11, 24, 5, 0, 0, TimeSpan.Zero);

    public static readonly TimeSpan Duration = TimeSpan.FromSeconds(3600);

    public static string Folder { get; } = Path.Combine(AppContext.BaseDirectory, "TestData", "worked-example");

    public static string PathOf(string file) => Path.Combine(Folder, file);

    public static string Read(string file) => File.ReadAllText(PathOf(file));

    public static CertificateBundle LoadCertificate() => CertificateBundle.Load(PathOf("certificate.pem"));

    public static FileSigningKey LoadKey() => FileSigningKey.Load(PathOf("private-key.pem"), () => null);

    /// <summary>The request as RolesAnywhereClient builds it, before X509Signer adds the date and certificate.</summary>
    public static SignableRequest Request() => new SignableRequest("POST", "/sessions")
        .AddQuery("profileArn", ProfileArn)
        .AddQuery("roleArn", RoleArn)
        .AddQuery("trustAnchorArn", TrustAnchorArn)
        .AddHeader("Content-Type", "application/json")
        .AddHeader("Host", Host)
        .SetBody(Encoding.UTF8.GetBytes(Body));

    /// <summary>
    /// How the doc shows the certificate's base64 (it would fill a page): the first 32 and last 16
    /// characters, and a count of the ones left out.
    /// </summary>
    public static string ShortenCertificate(string text, string certificateBase64)
    {
        var omitted = certificateBase64.Length - 48;
        var shortened = string.Create(CultureInfo.InvariantCulture,
            $"{certificateBase64[..32]}<...{omitted} base64 characters omitted...>{certificateBase64[^16..]}");
        return text.Replace(certificateBase64, shortened, StringComparison.Ordinal);
    }
}
