using OpenRolesAnywhere.TestCommon;
using OpenRolesAnywhere.TestCommon.FakeRolesAnywhere;

namespace OpenRolesAnywhere.Cli.Tests;

/// <summary><c>update</c> as a process writing the shared credentials file, judged by the AWS CLI and botocore reading that profile.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class UpdateCommandTests : IAsyncLifetime
{
    private CliHarness _cli = null!;

    public async Task InitializeAsync()
    {
        _cli = await CliHarness.StartAsync(sts: true);
    }

    public async Task DisposeAsync()
    {
        await _cli.DisposeAsync();
    }

    [Fact]
    public async Task UpdateOnce_AwsCliReadsTheProfile_SignsAnStsCallThatVerifies()
    {
        var credentialsFile = _cli.Temp.File("shared-credentials");
        const string Before = "# my keys\n[default]\naws_access_key_id = AKIAOLD\naws_secret_access_key = old\nregion = eu-west-1\n\n[other]\n; kept\naws_access_key_id = AKIAOTHER\naws_secret_access_key = other\n";
        await File.WriteAllTextAsync(credentialsFile, Before);
        _cli.Environment["AWS_SHARED_CREDENTIALS_FILE"] = credentialsFile;

        var update = await RunUpdateAsync("--profile", "ora");

        Assert.True(update.ExitCode == 0, update.Error);
        var issued = Assert.Single(_cli.Fake.Issued);
        var written = await File.ReadAllTextAsync(credentialsFile);
        Assert.StartsWith(Before, written, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(credentialsFile));
        Assert.DoesNotContain(issued.SecretAccessKey, update.Output + update.Error, StringComparison.Ordinal);

        var environment = _cli.IsolatedAwsEnvironment();
        environment["AWS_SHARED_CREDENTIALS_FILE"] = credentialsFile;
        environment["AWS_PROFILE"] = "ora";
        environment["AWS_EC2_METADATA_DISABLED"] = "true";
        var result = await CliHarness.AwsCliCallerIdentityAsync(_cli.Sts, environment);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal(issued.AccessKeyId, Assert.Single(_cli.Sts.AcceptedAccessKeys));
    }

    [Fact]
    public async Task UpdateOnce_DefaultProfileInHomeTwice_BotocoreGetsTheNewestKeysAndTheOtherLinesStay()
    {
        var credentialsFile = Path.Combine(_cli.Temp.Path, ".aws", "credentials");
        Directory.CreateDirectory(Path.GetDirectoryName(credentialsFile)!);
        await File.WriteAllTextAsync(credentialsFile, "[default]\n# a comment\nregion = eu-west-1\n[second]\naws_access_key_id = AKIASECOND\n");
        _cli.Environment["AWS_SHARED_CREDENTIALS_FILE"] = null;

        Assert.Equal(0, (await RunUpdateAsync()).ExitCode);
        var first = Assert.Single(_cli.Fake.Issued).AccessKeyId;
        var second = await RunUpdateAsync();

        Assert.True(second.ExitCode == 0, second.Error);
        var newest = Assert.Single(_cli.Fake.Issued, i => i.AccessKeyId != first);
        var written = await File.ReadAllTextAsync(credentialsFile);
        Assert.Equal(1, written.Split("aws_session_token").Length - 1);
        Assert.Contains("# a comment\nregion = eu-west-1\n", written, StringComparison.Ordinal);
        Assert.EndsWith("[second]\naws_access_key_id = AKIASECOND\n", written, StringComparison.Ordinal);

        var environment = _cli.IsolatedAwsEnvironment();
        environment["AWS_SHARED_CREDENTIALS_FILE"] = null;
        var result = await CliHarness.BotocoreCredentialsAsync(environment);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal([newest.AccessKeyId, newest.SecretAccessKey, newest.SessionToken], result.Output.TrimEnd().Split('\n'));
    }

    [Fact]
    public async Task Update_BadProfileName_IsAUsageErrorBeforeAnyCall()
    {
        var credentialsFile = _cli.Temp.File("shared-credentials");
        _cli.Environment["AWS_SHARED_CREDENTIALS_FILE"] = credentialsFile;

        var update = await RunUpdateAsync("--profile", "bad]name");

        Assert.Equal(2, update.ExitCode);
        Assert.Contains("cannot be a profile name", update.Error, StringComparison.Ordinal);
        Assert.Equal(0, _cli.Fake.Calls);
        Assert.False(File.Exists(credentialsFile));
    }

    [Fact]
    public async Task Update_CreateSessionDenied_LeavesTheFileUntouched()
    {
        var credentialsFile = _cli.Temp.File("shared-credentials");
        await File.WriteAllTextAsync(credentialsFile, "[default]\naws_access_key_id = AKIAKEEP\n");
        _cli.Environment["AWS_SHARED_CREDENTIALS_FILE"] = credentialsFile;
        _cli.Fake.ProfileRoles.Clear();

        var update = await RunUpdateAsync();

        Assert.Equal(6, update.ExitCode);
        Assert.Equal("[default]\naws_access_key_id = AKIAKEEP\n", await File.ReadAllTextAsync(credentialsFile));
    }

    [Fact]
    public async Task Update_RunningUntilSigterm_EndsCancelledWithTheProfileWhole()
    {
        var credentialsFile = _cli.Temp.File("shared-credentials");
        await File.WriteAllTextAsync(credentialsFile, "[other]\naws_access_key_id = AKIAOTHER\n");
        var environment = _cli.IsolatedAwsEnvironment();
        environment["SSH_AUTH_SOCK"] = null;
        environment["AWS_SHARED_CREDENTIALS_FILE"] = credentialsFile;
        var (certificate, key) = _cli.FileIdentity();
        var command = CliExecutable.CommandLine(["update", "--certificate", certificate, "--private-key", key, .. _cli.ArnFlags()]).ToList();
        var start = new System.Diagnostics.ProcessStartInfo(command[0]) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        command.Skip(1).ToList().ForEach(start.ArgumentList.Add);
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var update = System.Diagnostics.Process.Start(start)!;
        var error = new System.Text.StringBuilder();
        update.ErrorDataReceived += (_, e) => { lock (error) { error.AppendLine(e.Data); } };
        update.BeginErrorReadLine();
        string Error()
        {
            lock (error)
            {
                return error.ToString();
            }
        }

        await Eventually.TrueAsync(() => Error().Contains("written; refreshing at", StringComparison.Ordinal), "update wrote the profile and waits", TimeSpan.FromSeconds(60));
        var written = await File.ReadAllTextAsync(credentialsFile);
        System.Diagnostics.Process.Start("kill", ["-TERM", update.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await update.WaitForExitAsync(timeout.Token);

        Assert.True(update.ExitCode == 130, $"exit {update.ExitCode}: {Error()}");
        Assert.Contains("openrolesanywhere: cancelled.", Error(), StringComparison.Ordinal);
        Assert.Equal(written, await File.ReadAllTextAsync(credentialsFile));
        Assert.StartsWith("[other]\naws_access_key_id = AKIAOTHER\n", written, StringComparison.Ordinal);
        Assert.Contains($"aws_access_key_id = {Assert.Single(_cli.Fake.Issued).AccessKeyId}", written, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_cli.Temp.Path, ".shared-credentials.*.tmp"));
    }

    private async Task<(int ExitCode, string Output, string Error)> RunUpdateAsync(params string[] extra)
    {
        var (certificate, key) = _cli.FileIdentity();
        return await _cli.RunProcessAsync(["update", "--once", "--certificate", certificate, "--private-key", key, .. _cli.ArnFlags(), .. extra]);
    }
}
