using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using OpenRolesAnywhere.Cli.Commands;
using OpenRolesAnywhere.TestCommon;
using OpenRolesAnywhere.TestCommon.FakeRolesAnywhere;

namespace OpenRolesAnywhere.Cli.Tests;

/// <summary>
/// Issue 12's "first ten minutes": what a newcomer meets before anything works (a certificate not saved yet, a
/// busy port, a typo, an ssh-keygen key file, no AWS credentials, the help), each answered with the next step.
/// </summary>
public sealed class FirstTenMinutesTests : IAsyncLifetime
{
    private CliHarness _cli = null!;

    public async Task InitializeAsync() => _cli = await CliHarness.StartAsync();

    public async Task DisposeAsync() => await _cli.DisposeAsync();

    private string ConfigDirectory => Path.Combine(_cli.Temp.Path, ".config", "openrolesanywhere");

    [Theory]
    [InlineData("credential-process")]
    [InlineData("serve")]
    public async Task NamedCertificate_NotSavedYet_CertificateExitNamingRequestCertificateAndWhereToSave(string command)
    {
        string[] serveFlags = command == "serve" ? ["--listen", "http://127.0.0.1:0", "--no-socket", "--token-file", _cli.Temp.File("token")] : [];

        var (exitCode, output, error) = await _cli.RunAsync([command, "--name", "mycert", "--role-arn", FakeRolesAnywhereServer.RoleArn, .. serveFlags]);

        Assert.Equal(ExitCodes.Certificate, exitCode);
        Assert.Equal("", output);
        Assert.Contains("openrolesanywhere request-certificate", error, StringComparison.Ordinal);
        Assert.Contains($"save the certificate they send back as {Path.Combine(ConfigDirectory, "mycert.pem")}", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Could not find", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NamedCertificate_NameGivenWithPemSuffix_ReadsThatFileNotPemPem()
    {
        var (certificate, key) = _cli.FileIdentity(uris: [FakeRolesAnywhereServer.TrustAnchorArn, FakeRolesAnywhereServer.ProfileArn]);
        Directory.CreateDirectory(ConfigDirectory);
        File.Copy(certificate, Path.Combine(ConfigDirectory, "mycert.pem"));

        var (exitCode, output, error) = await _cli.RunAsync("credential-process", "--name", "mycert.pem", "--private-key", key,
            "--role-arn", FakeRolesAnywhereServer.RoleArn, "--endpoint", _cli.Fake.Endpoint.ToString());

        Assert.True(exitCode == 0, error);
        Assert.Contains(Assert.Single(_cli.Fake.Issued).AccessKeyId, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_PortTakenByAnotherProgram_UsageExitNamingTheAddressAndHowToChooseAnother()
    {
        using var busy = new TcpListener(IPAddress.Loopback, 0);
        busy.Start();
        var address = $"http://127.0.0.1:{((IPEndPoint)busy.LocalEndpoint).Port}";
        var (certificate, key) = _cli.FileIdentity();

        var (exitCode, _, error) = await _cli.RunAsync(["serve", "--certificate", certificate, "--private-key", key, .. _cli.ArnFlags(),
            "--listen", address, "--no-socket", "--token-file", _cli.Temp.File("token")]);

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Contains($"already listens on {address}", error, StringComparison.Ordinal);
        Assert.Contains("--listen http://127.0.0.1:PORT", error, StringComparison.Ordinal);
        Assert.DoesNotContain("bug", error, StringComparison.Ordinal);
        Assert.DoesNotContain("unexpected", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cli_MistypedCommand_OneLineSuggestingTheCommandNoWallOfUnrecognized()
    {
        var (exitCode, output, error) = await _cli.RunAsync("credentials-process", "--name", "mycert", "--role-arn", FakeRolesAnywhereServer.RoleArn);

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Equal("", output);
        Assert.Contains("Did you mean 'credential-process'?", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Required command was not provided", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Unrecognized", error, StringComparison.Ordinal);
        Assert.Equal(2, error.Trim().Split('\n').Length);
    }

    [Theory]
    [InlineData(new[] { "serve", "--rol-arn", "x" }, "serve has no option '--rol-arn'. Did you mean '--role-arn'?")]
    [InlineData(new[] { "serve", "--nmae", "x" }, "Did you mean '--name'?")]
    [InlineData(new[] { "admin", "revok", "--serial", "1" }, "Did you mean 'revoke'?")]
    [InlineData(new[] { "admin", "revoke", "--serail", "1" }, "Did you mean '--serial'?")]
    [InlineData(new[] { "serv" }, "Did you mean 'serve'?")]
    public async Task Cli_MistypedWord_SuggestsTheNearestCommandOrOption(string[] arguments, string expected)
    {
        var (exitCode, _, error) = await _cli.RunAsync(arguments);

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cli_UnknownWordNothingNear_SaysSoWithoutAGuess()
    {
        var (exitCode, _, error) = await _cli.RunAsync("credential-process", "--colour", "blue");

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Contains("credential-process has no option '--colour'.", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Did you mean", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CredentialProcess_OpenSshFormatKeyFile_KeyExitSayingHowToConvertOrUseTheAgent_AndTheConvertedFileWorks()
    {
        var key = _cli.Temp.File("id_ecdsa");
        await RunToolAsync("ssh-keygen", "-q", "-t", "ecdsa", "-b", "256", "-N", "", "-f", key);
        var converted = _cli.Temp.File("converted");
        File.Copy(key, converted);
        await RunToolAsync("ssh-keygen", "-q", "-p", "-m", "PKCS8", "-N", "", "-P", "", "-f", converted);
        using var ecdsa = ECDsa.Create();
        ecdsa.ImportFromPem(await File.ReadAllTextAsync(converted));
        var certificate = _cli.CertificateFor(TestKeys.PublicKeyOf(ecdsa));
        Assert.StartsWith("-----BEGIN OPENSSH PRIVATE KEY-----", await File.ReadAllTextAsync(key), StringComparison.Ordinal);

        var refused = await _cli.RunAsync(["credential-process", "--certificate", certificate, "--private-key", key, .. _cli.ArnFlags()]);
        var followed = await _cli.RunAsync(["credential-process", "--certificate", certificate, "--private-key", converted, .. _cli.ArnFlags()]);

        Assert.Equal(ExitCodes.Key, refused.ExitCode);
        Assert.Contains($"ssh-keygen -p -m PKCS8 -f {key}", refused.Error, StringComparison.Ordinal);
        Assert.Contains($"ssh-add {key}", refused.Error, StringComparison.Ordinal);
        Assert.True(followed.ExitCode == 0, followed.Error);
    }

    [Fact]
    public async Task Admin_NoAwsCredentialsAnywhere_OneSentenceNotTheSdksExceptionChain()
    {
        _cli.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        _cli.Environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = null;
        _cli.Environment["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] = null;

        var (exitCode, output, error) = await _cli.RunProcessAsync("admin", "list", "--region", FakeRolesAnywhereServer.Region, "--endpoint", _cli.Fake.Endpoint.ToString());

        Assert.Equal(ExitCodes.Denied, exitCode);
        Assert.Equal("", output);
        var line = Assert.Single(error.Trim().Split('\n'));
        Assert.Contains("No AWS credentials were found", line, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("revoke", "--serial", "--serial-number")]
    [InlineData("accept-request", "--serial-number", "--serial")]
    [InlineData("create-ca", "--serial-number", "--serial")]
    [InlineData("create-profile", "--disabled", "--disable")]
    [InlineData("update-profile", "--disable", "--disabled")]
    public void AdminHelp_OneConceptTwoSpellings_BothAcceptedAsOneOption(string command, string spelling, string other)
    {
        var admin = CliApplication.BuildRootCommand(new CliEnvironment(_ => null, TimeProvider.System)).Subcommands.Single(c => c.Name == "admin");
        var options = admin.Subcommands.Single(c => c.Name == command).Options;

        var option = Assert.Single(options, o => o.Name == spelling || o.Aliases.Contains(spelling));

        Assert.True(option.Name == other || option.Aliases.Contains(other), $"{command} {spelling} should also be spelt {other}");
    }

    [Fact]
    public void Help_EveryOptionOfEveryCommand_DefaultsWrittenOneWay()
    {
        var options = AllCommands(CliApplication.BuildRootCommand(new CliEnvironment(_ => null, TimeProvider.System))).SelectMany(c => c.Options).Where(o => o.Description is not null);

        // System.CommandLine writes a computed default as "[default: X]" after the description: defaults in words end it the same way.
        Assert.All(options, o => Assert.DoesNotMatch(@"(?i)\(default|default\)|default:|by default", o.Description!.Replace("[default: ", "", StringComparison.Ordinal)));
        Assert.Contains(options, o => o.Description!.EndsWith("[default: the runtime directory's server.token]", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("create-profile", false)]
    [InlineData("update-profile", false)]
    [InlineData("list", false)]
    [InlineData("create-ca", true)]
    [InlineData("accept-request", true)]
    [InlineData("publish-crl", true)]
    public async Task AdminHelp_KmsEndpoint_OnlyOnCommandsThatMaySignWithKms(string command, bool expected)
    {
        var (exitCode, output, error) = await _cli.RunAsync("admin", command, "--help");

        Assert.True(exitCode == 0, error);
        Assert.Equal(expected, output.Contains("--kms-endpoint", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ServeHelp_ManyOptions_GroupedInSectionsEveryOptionOnce()
    {
        var serve = CliApplication.BuildRootCommand(new CliEnvironment(_ => null, TimeProvider.System)).Subcommands.Single(c => c.Name == "serve");

        var (exitCode, output, error) = await _cli.RunAsync("serve", "--help");

        Assert.True(exitCode == 0, error);
        string[] sections = ["Certificate and key:", "Role and session:", "Listeners:", "Admin HTTP routes (off unless --admin-listen):"];
        Assert.All(sections, s => Assert.Contains("\n" + s + "\n", output, StringComparison.Ordinal));
        Assert.True(output.IndexOf("--private-key ", StringComparison.Ordinal) < output.IndexOf("Role and session:", StringComparison.Ordinal));
        Assert.True(output.IndexOf("--socket ", StringComparison.Ordinal) > output.IndexOf("Listeners:", StringComparison.Ordinal));
        Assert.True(output.IndexOf("--admin-kms-endpoint", StringComparison.Ordinal) > output.IndexOf("Admin HTTP routes", StringComparison.Ordinal));
        Assert.All(serve.Options.Where(o => !o.Hidden && o.Name != "--help"), o =>
            Assert.Single(System.Text.RegularExpressions.Regex.Matches(output, $@"(?m)^  (\S+, )*{o.Name}[ ,\n]")));
        Assert.Contains("[default: http://127.0.0.1:9911]", output, StringComparison.Ordinal);
        Assert.DoesNotContain("<allow-remote>", output, StringComparison.Ordinal);
        // Every serve option has its section: a new one left out would fall under "Other options" beside --help.
        Assert.All(serve.Options.Where(o => !o.Hidden && o.Name != "--help"), o => Assert.Contains(o.Name, ((ServeCommand)serve).HelpSections.Keys));
    }

    [Fact]
    public async Task Help_CommandWithRequiredOptionsNoneGiven_HelpNotErrors()
    {
        var (exitCode, output, error) = await _cli.RunAsync("admin", "create-profile", "--help");

        Assert.True(exitCode == 0, error);
        Assert.Equal("", error);
        Assert.Contains("--role-arn", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_CommandWithoutSections_StillSystemCommandLinesOwn()
    {
        var (exitCode, output, error) = await _cli.RunAsync("credential-process", "--help");

        Assert.True(exitCode == 0, error);
        Assert.Contains("Options:", output, StringComparison.Ordinal);
        Assert.Contains("--role-arn", output, StringComparison.Ordinal);
    }

    private static IEnumerable<Command> AllCommands(Command command) => command.Subcommands.SelectMany(AllCommands).Prepend(command);

    private static async Task RunToolAsync(string tool, params string[] arguments)
    {
        var result = await ProcessRunner.RunAsync(tool, arguments);
        Assert.True(result.ExitCode == 0, result.Error);
    }
}
