using Microsoft.Extensions.DependencyInjection;
using OpenRolesAnywhere.Server.Configuration;
using OpenRolesAnywhere.TestCommon;
using OpenRolesAnywhere.TestCommon.Credentials;

namespace OpenRolesAnywhere.Server.Tests;

public sealed class ServeEnvironmentTests
{
    [Fact]
    public async Task Sources_NamedCertificateWithTheClisEnvironment_FoundThereNotInTheProcessEnvironment()
    {
        using var temp = new TempDirectory();
        var config = temp.File("config");
        var options = RunningServer.OptionsIn(temp.Path) is var o
            ? new ServeOptions
            {
                Listen = o.Listen, TokenFile = o.TokenFile, UnixSocket = o.UnixSocket,
                CommandLineSource = new() { Name = "workload", RoleArn = "arn:aws:iam::123456789012:role/workload" },
                Environment = name => name == "XDG_CONFIG_HOME" ? config : null,
            }
            : null!;

        await using var app = CredentialServer.Build(options, _ => new CountingCredentialSource(TimeProvider.System, "workload"));

        var (_, path) = Assert.Single(app.Services.GetRequiredService<CredentialSources>().Certificates);
        Assert.Equal(Path.Combine(config, "openrolesanywhere", "workload.pem"), path);
    }
}
