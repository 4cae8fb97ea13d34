using Xunit;

namespace OpenRolesAnywhere.TestCommon;

/// <summary>
/// <c>@aws-sdk/credential-providers</c> from npm, installed once under artifacts/ (the JS SDK rejects
/// expirations with an offset and uses only host and port of the IMDS endpoint).
/// </summary>
public sealed class JsSdkJudge : IAsyncLifetime
{
    public const string Package = "@aws-sdk/credential-providers@3.1173.0";

    public string Directory { get; } = Path.Combine(ProcessRunner.RepositoryRoot(), "artifacts", "js-sdk-judge");

    public string Script => Path.Combine(Directory, "credentials.js");

    public async Task InitializeAsync()
    {
        System.IO.Directory.CreateDirectory(Directory);
        if (!System.IO.Directory.Exists(Path.Combine(Directory, "node_modules", "@aws-sdk", "credential-providers")))
        {
            var install = await ProcessRunner.RunAsync("npm", ["install", "--no-audit", "--no-fund", "--prefix", Directory, Package], timeout: TimeSpan.FromMinutes(3));
            Assert.True(install.ExitCode == 0, "npm install failed: " + install.Error);
        }

        await File.WriteAllTextAsync(Script, """
            const providers = require('@aws-sdk/credential-providers');
            const make = {
              container: () => providers.fromContainerMetadata({ timeout: 2000, maxRetries: 0 }),
              http: () => providers.fromHttp({ timeout: 2000, maxRetries: 0 }),
              imds: () => providers.fromInstanceMetadata({ timeout: 2000, maxRetries: 0 }),
            }[process.argv[2]];
            make()().then(c => console.log([c.accessKeyId, c.secretAccessKey, c.sessionToken, c.expiration.toISOString()].join('\n')))
              .catch(e => { console.error(e.name + ': ' + e.message); process.exit(1); });
            """);
    }

    public Task DisposeAsync() => Task.CompletedTask;
}
