using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using OpenRolesAnywhere.TestCommon;
using OpenRolesAnywhere.TestCommon.FakeKms;
using OpenRolesAnywhere.TestCommon.FakeRolesAnywhere;
using OpenRolesAnywhere.TestCommon.FakeRolesAnywhereControlPlane;
using OpenRolesAnywhere.TestCommon.Pkcs11;
using OpenRolesAnywhere.TestCommon.SshAgent;

namespace OpenRolesAnywhere.Cli.Tests;

/// <summary>
/// The original README, end to end, with the built CLI run as a process the way an administrator and a
/// user run it: the AWS SDK inside finds credentials, region and endpoints in the environment; KMS and
/// the control plane are the verifying doubles; the user's key is in a real ssh-agent; CreateSession is
/// the verifying fake, trusting the CA that create-ca made.
/// </summary>
[Collection(SoftHsmCliTests.Name)]
public sealed partial class AdminReadmeFlowTests : IClassFixture<SshAgentFixture>, IAsyncLifetime, IDisposable
{
    private const string AccessKeyId = "AKIAREADMEADMIN00001";
    private const string SecretAccessKey = "readme-admin-secret/0123456789abcdefghij";
    private const string PinVariable = "CA_TOKEN_PIN";
    private readonly SshAgentFixture _agent;
    private readonly SoftHsmFixture _hsm;
    private readonly TempDirectory _home = new();
    private FakeKmsServer _kms = null!;
    private FakeRolesAnywhereControlPlaneServer _controlPlane = null!;

    public AdminReadmeFlowTests(SshAgentFixture agent, SoftHsmFixture hsm)
    {
        _agent = agent;
        _hsm = hsm;
    }

    public async Task InitializeAsync()
    {
        _kms = await FakeKmsServer.StartAsync(FakeRolesAnywhereServer.Region, AccessKeyId, SecretAccessKey);
        _controlPlane = await FakeRolesAnywhereControlPlaneServer.StartAsync(FakeRolesAnywhereServer.Region, AccessKeyId, SecretAccessKey);
        // The control plane hands out the ARNs the CreateSession fake knows.
        _controlPlane.NextTrustAnchorId = FakeRolesAnywhereServer.TrustAnchorArn.Split('/')[^1];
        _controlPlane.NextProfileId = FakeRolesAnywhereServer.ProfileArn.Split('/')[^1];
    }

    public async Task DisposeAsync()
    {
        await _kms.DisposeAsync();
        await _controlPlane.DisposeAsync();
    }

    public void Dispose() => _home.Dispose();

    [Fact]
    public async Task ReadmeFlow_AgentKeyCertifiedByKmsCa_GetsCredentialsUntilRevoked()
    {
        var key = _kms.AddKey(alias: "openrolesanywhere-ca");

        await WalkthroughAsync(AdminEnvironment(), ["--kms-key-id", key.Id]);
    }

    [Theory]
    [InlineData("rsa2048", "1.2.840.113549.1.1.11", "sha256WithRSAEncryption")]
    [InlineData("p384", "1.2.840.10045.4.3.3", "ecdsa-with-SHA384")]
    public async Task ReadmeFlow_CaKeyInSshAgent_GetsCredentialsUntilRevokedWithoutKms(string name, string signatureOid, string opensslAlgorithm)
    {
        var caKey = name == "p384" ? _agent.EcdsaP384 : _agent.Rsa2048;
        // The CA's agent is not the user's: an administrator's machine, a user's laptop.
        var caAgent = _agent.StartAgent(caKey);
        var environment = AdminEnvironment();
        environment["SSH_AUTH_SOCK"] = caAgent.SocketPath;

        await WalkthroughAsync(environment, ["--ssh-fingerprint", caKey.Fingerprint]);

        Assert.Empty(_kms.Calls);
        using var state = JsonDocument.Parse(await File.ReadAllTextAsync(ConfigFile("ca-state.json")));
        Assert.Equal(caKey.Fingerprint, state.RootElement.GetProperty("caKey").GetProperty("sshFingerprint").GetString());
        // A P-384 agent key signs over SHA-384: the CA certificate, the user's and the CRL say so.
        using var ca = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(ConfigFile("ca.pem")));
        using var issued = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(ConfigFile("mycert.pem")));
        Assert.Equal((signatureOid, signatureOid), (ca.SignatureAlgorithm.Value, issued.SignatureAlgorithm.Value));
        var crl = await ProcessRunner.RunAsync("openssl", ["crl", "-inform", "DER", "-in", ConfigFile("crl.der"), "-noout", "-text"]);
        Assert.Contains($"Signature Algorithm: {opensslAlgorithm}", crl.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AcceptRequest_CaKeyGoneFromAgent_ExitsKeySayingToAddIt()
    {
        var caAgent = _agent.StartAgent(_agent.Rsa3072);
        var environment = AdminEnvironment();
        environment["SSH_AUTH_SOCK"] = caAgent.SocketPath;
        await CreateCaAndProfileAsync(environment, ["--ssh-fingerprint", _agent.Rsa3072.Fingerprint]);
        var requestFile = await RequestCertificateAsync();
        caAgent.Remove(_agent.Rsa3072);

        var accept = await RunAsync(environment, "admin", "accept-request", "--request-file", requestFile, "--validity-duration", "24h", "--common-name", "user");

        Assert.Equal(ExitCodes.Key, accept.ExitCode);
        Assert.Contains($"holds no key with the fingerprint {_agent.Rsa3072.Fingerprint}", accept.Error, StringComparison.Ordinal);
        Assert.Equal("", accept.Output);
        Assert.DoesNotContain("end-entity", (await RunAsync(environment, "admin", "list-certificates")).Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("p384")]
    [InlineData("rsa")]
    public async Task ReadmeFlow_CaKeyOnSoftHsmToken_GetsCredentialsUntilRevokedWithoutKms(string label)
    {
        var environment = AdminEnvironment();
        environment[PinVariable] = SoftHsmFixture.Pin;

        await WalkthroughAsync(environment, TokenKeyFlags(label, pinInUri: false));

        Assert.Empty(_kms.Calls);
        using var state = JsonDocument.Parse(await File.ReadAllTextAsync(ConfigFile("ca-state.json")));
        var caKey = state.RootElement.GetProperty("caKey");
        Assert.Equal(PinVariable, caKey.GetProperty("passwordEnvironmentVariable").GetString());
        Assert.Contains($"object={label}", caKey.GetProperty("privateKey").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateCa_PinInTokenUri_RecordsTheUriWithoutThePin()
    {
        await CreateCaAndProfileAsync(AdminEnvironment(), TokenKeyFlags("p256", pinInUri: true));

        var state = await File.ReadAllTextAsync(ConfigFile("ca-state.json"));
        Assert.DoesNotContain("pin-value", state, StringComparison.Ordinal);
        Assert.Contains("object=p256", state, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AcceptRequest_WrongTokenPin_ExitsKeyAndIssuesNothing()
    {
        var environment = AdminEnvironment();
        environment[PinVariable] = SoftHsmFixture.Pin;
        await CreateCaAndProfileAsync(environment, TokenKeyFlags("p256", pinInUri: false));
        var requestFile = await RequestCertificateAsync();
        environment[PinVariable] = "98765";

        var accept = await RunAsync(environment, "admin", "accept-request", "--request-file", requestFile, "--validity-duration", "24h", "--common-name", "user");

        Assert.Equal(ExitCodes.Key, accept.ExitCode);
        Assert.Contains("PIN", accept.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("98765", accept.Error, StringComparison.Ordinal);
        Assert.Equal("", accept.Output);
    }

    [Fact]
    public async Task RequestCertificate_AgentP384Key_ExitsKeySayingSha384AndPrintsNoRequest()
    {
        // A CA may sign over SHA-384 with it (above); a session's key, whose CSR this is, may not.
        var result = await RunAsync(UserEnvironment(null), "request-certificate", "--ssh-fingerprint", _agent.EcdsaP384.Fingerprint);

        Assert.Equal(ExitCodes.Key, result.ExitCode);
        Assert.Contains("SHA-384", result.Error, StringComparison.Ordinal);
        Assert.Contains("ssh-keygen -t ecdsa -b 256", result.Error, StringComparison.Ordinal);
        Assert.Equal("", result.Output);
    }

    [Fact]
    public async Task CreateCa_KmsKeyAndAgentKeyBoth_ExitsUsageAndMakesNothing()
    {
        var key = _kms.AddKey();

        var result = await RunAsync(AdminEnvironment(), "admin", "create-ca", "--name", "Anchor", "--kms-key-id", key.Arn,
            "--ssh-fingerprint", _agent.EcdsaP256.Fingerprint, "--validity-duration", "24h", "--common-name", "ca");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("Name the CA key once", result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(ConfigFile("ca.pem")));
    }

    [Fact]
    public async Task CreateCa_KeyFile_WarnsAndRecordsTheAbsolutePath()
    {
        var keyFile = _home.File("ca-key.pem");
        using (var rsa = System.Security.Cryptography.RSA.Create(2048))
        {
            await File.WriteAllTextAsync(keyFile, rsa.ExportPkcs8PrivateKeyPem());
        }

        var result = await RunAsync(AdminEnvironment(), "admin", "create-ca", "--name", "Anchor", "--private-key", keyFile, "--validity-duration", "24h", "--common-name", "ca");

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("Warning: The CA key is in a file", result.Error, StringComparison.Ordinal);
        using var state = JsonDocument.Parse(await File.ReadAllTextAsync(ConfigFile("ca-state.json")));
        Assert.Equal(keyFile, state.RootElement.GetProperty("caKey").GetProperty("privateKey").GetString());
    }

    /// <summary>
    /// The README's administrator and user steps with the CA key given by <paramref name="caKeyFlags"/>: each
    /// certificate and the CRL judged by openssl, the certificate by the verifying CreateSession fake.
    /// </summary>
    private async Task WalkthroughAsync(Dictionary<string, string?> adminEnvironment, string[] caKeyFlags)
    {
        var createCa = await RunAsync(adminEnvironment, ["admin", "create-ca", "--name", "NameOfYourChoice", .. caKeyFlags,
            "--validity-duration", "8760h", "--serial-number", "12345", "--common-name", "whateverYouWant", "--organization", "org"]);
        Assert.True(createCa.ExitCode == 0, createCa.Error);
        Assert.Contains(FakeRolesAnywhereServer.TrustAnchorArn, createCa.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Warning", createCa.Error, StringComparison.Ordinal);

        var createProfile = await RunAsync(adminEnvironment, "admin", "create-profile", "--name", "SomeProfileName", "--session-duration", "3600s",
            "--role-arn", FakeRolesAnywhereServer.RoleArn, "--role-arn", "arn:aws:iam::123456789012:role/AnotherRoleName");
        Assert.True(createProfile.ExitCode == 0, createProfile.Error);
        Assert.Equal(2, Assert.Single(_controlPlane.Profiles).RoleArns.Count);

        var requestFile = await RequestCertificateAsync();

        var accept = await RunAsync(adminEnvironment, "admin", "accept-request", "--request-file", requestFile, "--validity-duration", "8760h",
            "--serial-number", "67890", "--common-name", "nameOfTheEnduser");
        Assert.True(accept.ExitCode == 0, accept.Error);
        // The README makes the CA and then a certificate of the same length: it is cut to the CA's end, by the
        // seconds between the two commands, which is not worth a warning (issue 12: "ends 0 minutes earlier").
        Assert.DoesNotContain("ends with the CA certificate", accept.Error, StringComparison.Ordinal);
        await File.WriteAllTextAsync(ConfigFile("mycert.pem"), accept.Output);
        using (var issuedLeaf = X509Certificate2.CreateFromPem(accept.Output))
        using (var issuingCa = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(ConfigFile("ca.pem"))))
        {
            Assert.Equal(issuingCa.NotAfter, issuedLeaf.NotAfter);
        }

        var caPath = ConfigFile("ca.pem");
        await AssertOpenSslAsync("verify", "-x509_strict", "-CAfile", caPath, caPath);
        await AssertOpenSslAsync("verify", "-x509_strict", "-CAfile", caPath, ConfigFile("mycert.pem"));
        using var ca = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(caPath));
        await using var createSession = await FakeRolesAnywhereServer.StartAsync(ca);
        var credentials = await RunAsync(UserEnvironment(createSession.Endpoint), "credential-process", "--name", "mycert", "--role-arn", FakeRolesAnywhereServer.RoleArn);
        Assert.True(credentials.ExitCode == 0, credentials.Error);
        using (var document = JsonDocument.Parse(credentials.Output))
        {
            Assert.Equal(Assert.Single(createSession.Issued).AccessKeyId, document.RootElement.GetProperty("AccessKeyId").GetString());
        }

        var list = await RunAsync(adminEnvironment, "admin", "list-certificates");
        Assert.True(list.ExitCode == 0, list.Error);
        Assert.Contains("67890\tend-entity\tissued", list.Output, StringComparison.Ordinal);
        // The KEY column names the key as `ssh-add -l` does, so the administrator can match it to the user's agent key.
        Assert.EndsWith("\t" + _agent.EcdsaP256.Fingerprint, list.Output.Split('\n').Single(l => l.StartsWith("67890\t", StringComparison.Ordinal)), StringComparison.Ordinal);
        var revoke = await RunAsync(adminEnvironment, "admin", "revoke", "--serial", "67890", "--reason", "key-compromise");
        Assert.True(revoke.ExitCode == 0, revoke.Error);
        var publish = await RunAsync(adminEnvironment, "admin", "publish-crl");
        Assert.True(publish.ExitCode == 0, publish.Error);
        Assert.Contains("Imported CRL number 1 with 1 revoked", publish.Output, StringComparison.Ordinal);
        await AssertCrlRevokesAsync(caPath, ConfigFile("mycert.pem"));

        // The CreateSession fake does not read CRLs itself: hand it what Roles Anywhere now holds.
        foreach (var serial in _controlPlane.RevokedSerials(FakeRolesAnywhereServer.TrustAnchorArn))
        {
            createSession.RevokedSerials[serial.ToString(CultureInfo.InvariantCulture)] = true;
        }

        var refused = await RunAsync(UserEnvironment(createSession.Endpoint), "credential-process", "--name", "mycert", "--role-arn", FakeRolesAnywhereServer.RoleArn);
        Assert.Equal(ExitCodes.Denied, refused.ExitCode);
        Assert.Contains("revoked", refused.Error, StringComparison.Ordinal);
        Assert.Equal("", refused.Output);
    }

    /// <summary>The token key by URI with the PIN in a variable (as later commands need it), or in the URI itself.</summary>
    private static string[] TokenKeyFlags(string label, bool pinInUri) => pinInUri
        ? ["--private-key", SoftHsmFixture.Uri($"object={label};type=private")]
        : ["--private-key", SoftHsmFixture.Uri($"object={label};type=private", null), "--private-key-password-env", PinVariable];

    private static async Task CreateCaAndProfileAsync(Dictionary<string, string?> adminEnvironment, string[] caKeyFlags)
    {
        var createCa = await RunAsync(adminEnvironment, ["admin", "create-ca", "--name", "Anchor", .. caKeyFlags, "--validity-duration", "24h", "--common-name", "ca"]);
        Assert.True(createCa.ExitCode == 0, createCa.Error);
        var createProfile = await RunAsync(adminEnvironment, "admin", "create-profile", "--name", "P1", "--role-arn", FakeRolesAnywhereServer.RoleArn);
        Assert.True(createProfile.ExitCode == 0, createProfile.Error);
    }

    /// <summary>The user's CSR, made by their agent key (P-256), saved where the administrator reads it.</summary>
    private async Task<string> RequestCertificateAsync()
    {
        var request = await RunAsync(UserEnvironment(null), "request-certificate", "--ssh-fingerprint", _agent.EcdsaP256.Fingerprint);
        Assert.True(request.ExitCode == 0, request.Error);
        var requestFile = _home.File("publickey.pem");
        await File.WriteAllTextAsync(requestFile, request.Output);
        return requestFile;
    }

    /// <summary>The published CRL verifies under the CA (<c>openssl crl -CAfile</c>) and makes <c>openssl verify -crl_check</c> refuse the certificate.</summary>
    private async Task AssertCrlRevokesAsync(string caPath, string certificatePath)
    {
        var crlPem = _home.File("crl.pem");
        await AssertOpenSslAsync("crl", "-inform", "DER", "-in", ConfigFile("crl.der"), "-out", crlPem);
        var crl = await ProcessRunner.RunAsync("openssl", ["crl", "-in", crlPem, "-CAfile", caPath, "-noout"]);
        Assert.True(crl.ExitCode == 0 && (crl.Output + crl.Error).Contains("verify OK", StringComparison.Ordinal), crl.Output + crl.Error);
        var revoked = await ProcessRunner.RunAsync("openssl", ["verify", "-x509_strict", "-crl_check", "-CRLfile", crlPem, "-CAfile", caPath, certificatePath]);
        Assert.NotEqual(0, revoked.ExitCode);
        Assert.Contains("certificate revoked", revoked.Output + revoked.Error, StringComparison.Ordinal);
    }

    private static async Task AssertOpenSslAsync(params string[] arguments)
    {
        var result = await ProcessRunner.RunAsync("openssl", arguments);
        Assert.True(result.ExitCode == 0, result.Output + result.Error);
    }

    private string ConfigFile(string name) => Path.Combine(_home.Path, ".config", "openrolesanywhere", name);

    [Fact]
    public async Task List_ShowsTheTrustAnchorAndProfiles()
    {
        var key = _kms.AddKey();
        Assert.Equal(0, (await RunAsync(AdminEnvironment(), "admin", "create-ca", "--name", "Anchor", "--kms-key-id", key.Arn,
            "--validity-duration", "24h", "--common-name", "ca")).ExitCode);
        Assert.Equal(0, (await RunAsync(AdminEnvironment(), "admin", "create-profile", "--name", "P1", "--role-arn", FakeRolesAnywhereServer.RoleArn)).ExitCode);

        var list = await RunAsync(AdminEnvironment(), "admin", "list");

        Assert.True(list.ExitCode == 0, list.Error);
        Assert.Contains($"Anchor\tenabled\tCERTIFICATE_BUNDLE\t{FakeRolesAnywhereServer.TrustAnchorArn}", list.Output, StringComparison.Ordinal);
        Assert.Contains($"P1\tenabled\t3600s\t{FakeRolesAnywhereServer.ProfileArn}", list.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateCa_NoCredentialsAnywhere_ExitsDeniedSayingWhereToPutThem()
    {
        var key = _kms.AddKey();
        var environment = AdminEnvironment();
        environment["AWS_ACCESS_KEY_ID"] = null;
        environment["AWS_SECRET_ACCESS_KEY"] = null;

        var result = await RunAsync(environment, "admin", "create-ca", "--name", "Anchor", "--kms-key-id", key.Arn, "--validity-duration", "24h", "--common-name", "ca");

        Assert.Equal(ExitCodes.Denied, result.ExitCode);
        Assert.Contains("No AWS credentials", result.Error, StringComparison.Ordinal);
        Assert.Empty(_kms.Calls);
    }

    private Dictionary<string, string?> AdminEnvironment() => new()
    {
        ["HOME"] = _home.Path,
        ["XDG_CONFIG_HOME"] = null,
        ["AWS_ACCESS_KEY_ID"] = AccessKeyId,
        ["AWS_SECRET_ACCESS_KEY"] = SecretAccessKey,
        ["AWS_SESSION_TOKEN"] = null,
        ["AWS_PROFILE"] = null,
        ["AWS_REGION"] = FakeRolesAnywhereServer.Region,
        ["AWS_ENDPOINT_URL"] = null,
        ["AWS_ENDPOINT_URL_KMS"] = _kms.Endpoint.ToString(),
        ["AWS_ENDPOINT_URL_ROLESANYWHERE"] = _controlPlane.Endpoint.ToString(),
        ["AWS_CONFIG_FILE"] = _home.File("no-aws-config"),
        ["AWS_SHARED_CREDENTIALS_FILE"] = _home.File("no-aws-credentials"),
        ["AWS_EC2_METADATA_DISABLED"] = "true",
        ["SSH_AUTH_SOCK"] = null,
    };

    private Dictionary<string, string?> UserEnvironment(Uri? rolesAnywhere) => new()
    {
        ["HOME"] = _home.Path,
        ["XDG_CONFIG_HOME"] = null,
        ["SSH_AUTH_SOCK"] = _agent.SocketPath,
        ["AWS_ENDPOINT_URL"] = null,
        ["AWS_ENDPOINT_URL_ROLESANYWHERE"] = rolesAnywhere?.ToString(),
    };

    private static Task<ProcessRunner.Result> RunAsync(Dictionary<string, string?> environment, params string[] arguments) =>
        CliExecutable.RunAsync(arguments, environment);
}
