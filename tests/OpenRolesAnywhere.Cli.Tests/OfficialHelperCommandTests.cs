using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using OpenRolesAnywhere.TestCommon;
using OpenRolesAnywhere.TestCommon.FakeRolesAnywhere;
using OpenRolesAnywhere.TestCommon.LoopbackHost;
using OpenRolesAnywhere.TestCommon.SshAgent;

namespace OpenRolesAnywhere.Cli.Tests;

/// <summary>
/// The official helper's commands and flags that we offer too: <c>version</c>, <c>sign-string</c> (judged by
/// openssl), <c>read-certificate-data</c>, <c>--debug</c>, <c>serve --port</c>, <c>--with-proxy</c>.
/// </summary>
public sealed class OfficialHelperCommandTests : IClassFixture<SshAgentFixture>, IAsyncLifetime
{
    private readonly SshAgentFixture _agent;
    private CliHarness _cli = null!;

    public OfficialHelperCommandTests(SshAgentFixture agent)
    {
        _agent = agent;
    }

    public async Task InitializeAsync() => _cli = await CliHarness.StartAsync();

    public async Task DisposeAsync() => await _cli.DisposeAsync();

    [Fact]
    public async Task Version_Command_PrintsWhatVersionFlagPrints()
    {
        var command = await _cli.RunAsync("version");
        var flag = await _cli.RunAsync("--version");

        Assert.Equal(0, command.ExitCode);
        Assert.Matches(@"^\d+\.\d+\.\d+", command.Output);
        Assert.Equal(flag.Output, command.Output);
    }

    [Theory]
    [InlineData("rsa2048")]
    [InlineData("p256")]
    [InlineData("p384")]
    public async Task SignString_KeyFile_OpensslVerifiesTheFixedString(string kind)
    {
        var (_, key) = _cli.FileIdentity(kind);

        var (exitCode, output, error) = await _cli.RunAsync("sign-string", "--private-key", key, "--format", "text");

        Assert.True(exitCode == 0, error);
        Assert.Matches("^[0-9a-f]+$", output);
        Assert.Equal("Verified OK", await OpensslVerifyAsync(key, kind, Convert.FromHexString(output)));
    }

    [Theory]
    [InlineData("rsa")]
    [InlineData("p256")]
    public async Task SignString_SshAgentKey_SignatureVerifiesWithTheAgentKey(string kind)
    {
        var key = kind == "rsa" ? _agent.Rsa2048 : _agent.EcdsaP256;
        _cli.Environment["SSH_AUTH_SOCK"] = _agent.SocketPath;

        var (exitCode, output, error) = await _cli.RunAsync("sign-string", "--ssh-fingerprint", key.Fingerprint, "--format", "text");

        Assert.True(exitCode == 0, error);
        var publicKey = key.PublicKey!;
        using var rsa = publicKey.GetRSAPublicKey();
        var keyBytes = rsa is not null ? rsa.ExportRSAPublicKey() : publicKey.ExportSubjectPublicKeyInfo()[^65..];
        byte[] data = [.. "AWS Roles Anywhere Credential Helper Signing Test1"u8, .. SHA256.HashData([.. "IAM RA"u8, .. keyBytes])];
        Assert.True(TestKeys.VerifySha256(publicKey, data, Convert.FromHexString(output)));
    }

    [Fact]
    public async Task SignString_DefaultFormat_IsTheHexSignatureAsAJsonString()
    {
        var (_, key) = _cli.FileIdentity("p256");

        var (exitCode, output, error) = await _cli.RunAsync("sign-string", "--private-key", key);

        Assert.True(exitCode == 0, error);
        var hex = JsonSerializer.Deserialize<string>(output)!;
        Assert.Equal("Verified OK", await OpensslVerifyAsync(key, "p256", Convert.FromHexString(hex)));
    }

    [Fact]
    public async Task SignString_BinFormat_WritesTheRawSignature()
    {
        var (_, key) = _cli.FileIdentity("rsa2048");
        var signature = _cli.Temp.File("signature.bin");
        var command = string.Join(' ', CliExecutable.CommandLine(["sign-string", "--private-key", key, "--format", "bin"]).Select(a => $"'{a}'"));

        var result = await ProcessRunner.RunAsync("sh", ["-c", $"{command} > '{signature}'"], _cli.IsolatedAwsEnvironment(), TimeSpan.FromSeconds(90));

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal(256, new FileInfo(signature).Length);
        Assert.Equal("Verified OK", await OpensslVerifyAsync(key, "rsa2048", await File.ReadAllBytesAsync(signature)));
    }

    [Theory]
    [InlineData("--digest", "SHA384")]
    [InlineData("--format", "xml")]
    public async Task SignString_UnsupportedChoice_IsAUsageError(string flag, string value)
    {
        var (_, key) = _cli.FileIdentity("p256");

        var (exitCode, output, error) = await _cli.RunAsync("sign-string", "--private-key", key, flag, value);

        Assert.Equal(2, exitCode);
        Assert.Contains(value, error, StringComparison.Ordinal);
        Assert.Empty(output);
    }

    [Fact]
    public async Task SignString_NoKeyNamed_SaysHowToNameOne()
    {
        var (exitCode, output, error) = await _cli.RunAsync("sign-string");

        Assert.Equal(2, exitCode);
        Assert.Contains("--private-key", error, StringComparison.Ordinal);
        Assert.Empty(output);
    }

    [Fact]
    public async Task ReadCertificateData_File_PrintsTheOfficialFields()
    {
        var (certificate, _) = _cli.FileIdentity("p256");
        using var leaf = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(certificate));
        var serialHex = await ProcessRunner.RunAsync("openssl", ["x509", "-in", certificate, "-noout", "-serial"]);

        var (exitCode, output, error) = await _cli.RunAsync("read-certificate-data", "--certificate", certificate);

        Assert.True(exitCode == 0, error);
        using var json = JsonDocument.Parse(output);
        Assert.Equal("EC", json.RootElement.GetProperty("keyType").GetString());
        Assert.Equal(Convert.ToBase64String(leaf.RawData), json.RootElement.GetProperty("certificateData").GetString());
        Assert.Equal(System.Numerics.BigInteger.Parse("0" + serialHex.Output.Trim()["serial=".Length..], System.Globalization.NumberStyles.HexNumber, null).ToString(null, null),
            json.RootElement.GetProperty("serialNumber").GetString());
        Assert.Equal(["ECSHA256"], json.RootElement.GetProperty("supportedAlgorithms").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task ReadCertificateData_RsaFromEnvironmentVariable_ReadsTheVariable()
    {
        var (certificate, _) = _cli.FileIdentity("rsa2048");
        _cli.Environment["ORA_CERT"] = await File.ReadAllTextAsync(certificate);

        var (exitCode, output, error) = await _cli.RunAsync("read-certificate-data", "--certificate", "env:ORA_CERT");

        Assert.True(exitCode == 0, error);
        using var json = JsonDocument.Parse(output);
        Assert.Equal("RSA", json.RootElement.GetProperty("keyType").GetString());
    }

    [Fact]
    public async Task ReadCertificateData_NotACertificate_ExitsWithTheCertificateCode()
    {
        var notPem = _cli.Temp.File("not.pem");
        await File.WriteAllTextAsync(notPem, "hello");

        var (exitCode, output, error) = await _cli.RunAsync("read-certificate-data", "--certificate", notPem);

        Assert.Equal(3, exitCode);
        Assert.Contains("holds no PEM certificate", error, StringComparison.Ordinal);
        Assert.Empty(output);
    }

    [Fact]
    public async Task Debug_CredentialProcess_PrintsTheCanonicalRequestAndStringToSignButNoSecret()
    {
        var (certificate, key) = _cli.FileIdentity("p256");
        string? authorization = null;
        _cli.Fake.Intercept(context =>
        {
            authorization = context.Request.Headers.Authorization.ToString();
            return Task.FromResult(false);
        });

        var (exitCode, output, error) = await _cli.RunAsync(["credential-process", "--debug", "--certificate", certificate, "--private-key", key, .. _cli.ArnFlags()]);

        Assert.True(exitCode == 0, error);
        var issued = Assert.Single(_cli.Fake.Issued);
        Assert.Contains("openrolesanywhere: debug: canonical request:\nPOST\n/sessions\n", error, StringComparison.Ordinal);
        Assert.Contains("x-amz-x509:", error, StringComparison.Ordinal);
        Assert.Contains("openrolesanywhere: debug: string to sign:\nAWS4-X509-ECDSA-SHA256\n", error, StringComparison.Ordinal);
        Assert.NotNull(authorization);
        var signature = authorization[(authorization.IndexOf("Signature=", StringComparison.Ordinal) + "Signature=".Length)..];
        var keyBody = string.Concat(File.ReadAllLines(key).Where(l => !l.StartsWith("-----", StringComparison.Ordinal)));
        foreach (var secret in new[] { issued.SecretAccessKey, issued.SessionToken, issued.AccessKeyId, signature, keyBody[..40] })
        {
            Assert.DoesNotContain(secret, error, StringComparison.Ordinal);
        }

        Assert.Contains(issued.SessionToken, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Debug_SignString_SaysWhatIsSignedAndNotTheKey()
    {
        var (_, key) = _cli.FileIdentity("p256");

        var (exitCode, _, error) = await _cli.RunAsync("sign-string", "--debug", "--private-key", key);

        Assert.True(exitCode == 0, error);
        Assert.Contains("AWS Roles Anywhere Credential Helper Signing Test", error, StringComparison.Ordinal);
        var keyBody = string.Concat(File.ReadAllLines(key).Where(l => !l.StartsWith("-----", StringComparison.Ordinal)));
        Assert.DoesNotContain(keyBody[..40], error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServePort_WithListen_IsAUsageErrorNamingBoth()
    {
        var (certificate, key) = _cli.FileIdentity();

        var (exitCode, _, error) = await _cli.RunAsync(["serve", "--port", "9911", "--listen", "http://127.0.0.1:9912", "--certificate", certificate, "--private-key", key, .. _cli.ArnFlags()]);

        Assert.Equal(2, exitCode);
        Assert.Contains("Give --port or --listen, not both", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("65536")]
    public async Task ServePort_OutOfRange_IsAUsageError(string port)
    {
        var (exitCode, _, error) = await _cli.RunAsync("serve", "--port", port, "--config", "/nonexistent.json");

        Assert.Equal(2, exitCode);
        Assert.Contains("1 to 65535", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServePort_Alone_ServesCredentialsOnThatLoopbackPort()
    {
        var (certificate, key) = _cli.FileIdentity();
        var port = FreePort.Next();
        var environment = _cli.IsolatedAwsEnvironment();
        environment["XDG_RUNTIME_DIR"] = _cli.Temp.Path;

        await using var serve = await ServeProcess.StartAsync(
            ["--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--no-socket", "--certificate", certificate, "--private-key", key, .. _cli.ArnFlags()],
            environment, port: port, launcher: []);

        using var http = new HttpClient();
        using var health = await http.GetAsync(new Uri($"http://127.0.0.1:{port}/healthz"));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Single(_cli.Fake.Issued);
    }

    [Fact]
    public async Task WithProxy_HttpsProxySet_CreateSessionGoesThroughTheProxy()
    {
        var (certificate, key) = _cli.FileIdentity();
        using var proxy = new CountingConnectProxy();
        _cli.Environment["HTTPS_PROXY"] = proxy.Address;

        var (exitCode, output, error) = await _cli.RunProcessAsync("credential-process", "--with-proxy", "--certificate", certificate, "--private-key", key,
            "--trust-anchor-arn", FakeRolesAnywhereServer.TrustAnchorArn, "--profile-arn", FakeRolesAnywhereServer.ProfileArn,
            "--role-arn", FakeRolesAnywhereServer.RoleArn, "--endpoint", "https://rolesanywhere.proxy-test.invalid");

        // The proxy refuses the tunnel: the call fails, but only after asking the proxy for the named host.
        Assert.Equal(8, exitCode);
        Assert.Empty(output);
        Assert.Contains("CONNECT rolesanywhere.proxy-test.invalid:443 HTTP/1.1", proxy.RequestLines);
        Assert.Empty(_cli.Fake.Issued);
        Assert.Contains("rolesanywhere.proxy-test.invalid", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithProxy_HostInNoProxy_ConnectsDirectly()
    {
        var (certificate, key) = _cli.FileIdentity();
        using var proxy = new CountingConnectProxy();
        _cli.Environment["HTTPS_PROXY"] = proxy.Address;
        _cli.Environment["NO_PROXY"] = "rolesanywhere.proxy-test.invalid";

        var (exitCode, _, _) = await _cli.RunProcessAsync("credential-process", "--with-proxy", "--certificate", certificate, "--private-key", key,
            "--trust-anchor-arn", FakeRolesAnywhereServer.TrustAnchorArn, "--profile-arn", FakeRolesAnywhereServer.ProfileArn,
            "--role-arn", FakeRolesAnywhereServer.RoleArn, "--endpoint", "https://rolesanywhere.proxy-test.invalid");

        // Directly: the name does not resolve, and the proxy never hears of it.
        Assert.Equal(8, exitCode);
        Assert.Empty(proxy.RequestLines);
    }

    /// <summary>Asks openssl whether <paramref name="signature"/> is the key's over the official helper's fixed string, computed here from openssl's view of the public key.</summary>
    private async Task<string> OpensslVerifyAsync(string keyPath, string kind, byte[] signature)
    {
        var publicPem = _cli.Temp.File(Guid.NewGuid().ToString("N") + ".pub.pem");
        var publicDer = _cli.Temp.File(Guid.NewGuid().ToString("N") + ".pub.der");
        Assert.Equal(0, (await ProcessRunner.RunAsync("openssl", ["pkey", "-in", keyPath, "-pubout", "-out", publicPem])).ExitCode);
        // RSA: the PKCS#1 RSAPublicKey; EC: the uncompressed point, the end of the SubjectPublicKeyInfo.
        var extract = kind.StartsWith("rsa", StringComparison.Ordinal)
            ? new[] { "rsa", "-pubin", "-in", publicPem, "-RSAPublicKey_out", "-outform", "DER", "-out", publicDer }
            : ["pkey", "-pubin", "-in", publicPem, "-outform", "DER", "-out", publicDer];
        Assert.Equal(0, (await ProcessRunner.RunAsync("openssl", extract)).ExitCode);
        var der = await File.ReadAllBytesAsync(publicDer);
        var keyBytes = kind.StartsWith("rsa", StringComparison.Ordinal) ? der : der[^(kind == "p256" ? 65 : 97)..];
        var data = _cli.Temp.File(Guid.NewGuid().ToString("N") + ".data");
        var signatureFile = _cli.Temp.File(Guid.NewGuid().ToString("N") + ".sig");
        await File.WriteAllBytesAsync(data, [.. "AWS Roles Anywhere Credential Helper Signing Test1"u8, .. SHA256.HashData([.. "IAM RA"u8, .. keyBytes])]);
        await File.WriteAllBytesAsync(signatureFile, signature);
        var verify = await ProcessRunner.RunAsync("openssl", ["dgst", "-sha256", "-verify", publicPem, "-signature", signatureFile, data]);
        return verify.Output.Trim() + verify.Error.Trim();
    }

    /// <summary>A loopback HTTP proxy that records each request line and refuses every tunnel.</summary>
    private sealed class CountingConnectProxy : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();

        public CountingConnectProxy()
        {
            _listener.Start();
            _ = AcceptAsync();
        }

        public string Address => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

        public System.Collections.Concurrent.ConcurrentBag<string> RequestLines { get; } = [];

        private async Task AcceptAsync()
        {
            try
            {
                while (true)
                {
                    using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                    var stream = client.GetStream();
                    using var reader = new StreamReader(stream, Encoding.ASCII, leaveOpen: true);
                    RequestLines.Add(await reader.ReadLineAsync(_stop.Token) ?? "");
                    await stream.WriteAsync("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray(), _stop.Token);
                }
            }
            catch (OperationCanceledException)
            {
                // Stopped.
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            _stop.Dispose();
        }
    }
}
