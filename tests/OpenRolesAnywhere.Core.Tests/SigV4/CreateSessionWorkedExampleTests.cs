using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using OpenRolesAnywhere.Core.RolesAnywhere;
using OpenRolesAnywhere.Core.SigV4;
using OpenRolesAnywhere.TestCommon.FakeRolesAnywhere;
using Example = OpenRolesAnywhere.Core.Tests.SigV4.CreateSessionWorkedExample;

namespace OpenRolesAnywhere.Core.Tests.SigV4;

/// <summary>
/// The worked example of docs/createsession.md, signed by Core and compared with outputs that Python
/// (make-expected.py) and openssl computed on their own. RSA PKCS#1 v1.5 is deterministic, so every
/// byte, the signature included, is fixed.
/// </summary>
public sealed class CreateSessionWorkedExampleTests
{
    private static async Task<SigV4Signature> SignAsync()
    {
        using var certificate = Example.LoadCertificate();
        using var key = Example.LoadKey();
        return await X509Signer.SignAsync(Example.Request(), certificate, key,
            new CredentialScope(Example.Time, Example.Region, "rolesanywhere"), CancellationToken.None);
    }

    [Fact]
    public async Task X509Signer_WorkedExample_BuildsTheExpectedCanonicalRequest()
    {
        var signature = await SignAsync();

        Assert.Equal(Example.Read("expected-canonical-request.txt"), signature.CanonicalRequest.Text);
        Assert.Equal("content-type;host;x-amz-date;x-amz-x509", signature.CanonicalRequest.SignedHeaders);
    }

    [Fact]
    public async Task X509Signer_WorkedExample_BuildsTheExpectedStringToSign()
    {
        var signature = await SignAsync();

        Assert.Equal(Example.Read("expected-string-to-sign.txt"), signature.StringToSign);
    }

    [Fact]
    public async Task X509Signer_WorkedExample_ProducesTheExpectedSignatureAndAuthorizationHeader()
    {
        var signature = await SignAsync();

        Assert.Equal("AWS4-X509-RSA-SHA256", signature.Algorithm);
        Assert.Equal(Example.Read("expected-signature.txt"), signature.Signature);
        Assert.Equal(Example.Read("expected-authorization-header.txt"), signature.AuthorizationHeader);
    }

    [Fact]
    public void ExpectedSignature_CertificatePublicKey_VerifiesOverTheStringToSignOnly()
    {
        using var certificate = Example.LoadCertificate();
        using var rsa = certificate.Leaf.GetRSAPublicKey()!;
        var signature = Convert.FromHexString(Example.Read("expected-signature.txt"));
        var stringToSign = Encoding.UTF8.GetBytes(Example.Read("expected-string-to-sign.txt"));
        var canonicalRequest = Encoding.UTF8.GetBytes(Example.Read("expected-canonical-request.txt"));

        Assert.True(rsa.VerifyData(stringToSign, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        // What is signed is the string to sign, not the canonical request it hashes.
        Assert.False(rsa.VerifyData(canonicalRequest, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    [Fact]
    public void ExampleCertificate_ExampleCa_IsAValidEndEntityAtTheExampleTime()
    {
        using var certificate = Example.LoadCertificate();
        using var ca = X509CertificateLoader.LoadCertificateFromFile(Example.PathOf("ca.pem"));
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = Example.Time.UtcDateTime;

        Assert.True(chain.Build(certificate.Leaf), string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation)));
        Assert.Empty(certificate.Intermediates);
        Assert.False(certificate.Leaf.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        // The serial is 0x3a9f…07: the header carries it in decimal.
        Assert.Equal("3A9F8C2E5B7D41E6A0C4F1B2D3E5F607", certificate.Leaf.SerialNumber);
        Assert.Equal("77923642166186707940727443603602142727", certificate.SerialNumberDecimal);
    }

    [Fact]
    public async Task RolesAnywhereClient_WorkedExample_SendsTheExpectedRequestAndReadsTheResponse()
    {
        using var service = new WorkedExampleService();
        using var http = new HttpClient(service);
        using var certificate = Example.LoadCertificate();
        using var key = Example.LoadKey();
        var client = new RolesAnywhereClient(http, new FixedTime(Example.Time), environment: _ => null);

        var credentials = await client.CreateSessionAsync(
            new CreateSessionRequest(Example.TrustAnchorArn, Example.ProfileArn, Example.RoleArn, Example.Duration),
            certificate, key, CancellationToken.None);

        var sent = Assert.Single(service.Received);
        Assert.Equal(Example.Read("expected-http-request.txt"), sent.Text);
        Assert.Equal(Example.Read("expected-canonical-request.txt"), sent.IndependentCanonicalRequest);
        Assert.Equal("ASIAEXAMPLEWORKEDEX1", credentials.AccessKeyId);
        Assert.Equal("EXAMPLE-SECRET-ACCESS-KEY-NOT-A-REAL-SECRET", credentials.SecretAccessKey);
        Assert.Equal("EXAMPLE-SESSION-TOKEN", credentials.SessionToken);
        Assert.Equal(Example.Time.AddHours(1), credentials.Expiration);
        Assert.Equal(Example.RoleArn, credentials.RoleArn);
        Assert.Equal("arn:aws:sts::123456789012:assumed-role/worked-example/EXAMPLE-SESSION", credentials.AssumedRoleArn);
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    /// <summary>What reached the service: the request as text, and the canonical request a verifier rebuilds from it.</summary>
    private sealed record ReceivedRequest(string Text, string IndependentCanonicalRequest);

    /// <summary>
    /// Roles Anywhere at the network boundary, stricter than the real one: only the exact request of the
    /// worked example (whose signature Python, openssl and .NET verified) gets the example's credential set;
    /// anything else gets AWS's AccessDenied.
    /// </summary>
    private sealed class WorkedExampleService : HttpMessageHandler
    {
        public List<ReceivedRequest> Received { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var uri = request.RequestUri!;
            var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
            // The socket handler sends Content-Length for a body of known length; asking for it puts it in the collection.
            _ = request.Content?.Headers.ContentLength;
            var text = new StringBuilder()
                .Append(request.Method).Append(' ').Append(uri.PathAndQuery).Append(" HTTP/1.1\n")
                .Append("Host: ").Append(uri.IsDefaultPort ? uri.Host : uri.Authority).Append('\n');
            var headers = (request.Content?.Headers.AsEnumerable() ?? []).Concat(request.Headers).ToList();
            foreach (var (name, values) in headers)
            {
                text.Append(name).Append(": ").Append(string.Join(',', values)).Append('\n');
            }

            text.Append('\n').Append(Encoding.UTF8.GetString(body));
            var signedHeaders = SignedHeaders(request.Headers.TryGetValues("Authorization", out var authorization) ? authorization.Single() : "");
            var canonical = IndependentSigV4.CanonicalRequest(request.Method.Method, uri.AbsolutePath, uri.Query, signedHeaders,
                name => name == "host" ? [uri.IsDefaultPort ? uri.Host : uri.Authority] : headers.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).SelectMany(h => h.Value).ToList(),
                body);
            Received.Add(new ReceivedRequest(text.ToString(), canonical));

            var accepted = text.ToString() == Example.Read("expected-http-request.txt");
            var response = new HttpResponseMessage(accepted ? HttpStatusCode.Created : HttpStatusCode.Forbidden)
            {
                Content = new StringContent(
                    accepted ? Example.Read("example-response.json") : """{"__type":"AccessDeniedException","message":"Invalid signature"}""",
                    Encoding.UTF8, "application/json"),
            };
            if (!accepted)
            {
                response.Headers.Add("X-Amzn-ErrorType", "AccessDeniedException");
            }

            return response;
        }

        private static string[] SignedHeaders(string authorization)
        {
            const string Marker = "SignedHeaders=";
            var start = authorization.IndexOf(Marker, StringComparison.Ordinal);
            if (start < 0)
            {
                return [];
            }

            start += Marker.Length;
            var end = authorization.IndexOf(',', start);
            return authorization[start..(end < 0 ? authorization.Length : end)].Split(';');
        }
    }
}
