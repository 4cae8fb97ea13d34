using Amazon.Extensions.NETCore.Setup;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenRolesAnywhere.AwsSdk;
using OpenRolesAnywhere.Core;

// Settings come from appsettings.json ("RolesAnywhere": {...}), the environment (RolesAnywhere__RoleArn=...)
// or the command line (--RolesAnywhere:RoleArn=...); the AWS region and endpoints as for any SDK app (AWS_REGION...).
var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddRolesAnywhereCredentials();
builder.Services.AddDefaultAWSOptions(services => new AWSOptions { Credentials = services.GetRequiredService<RolesAnywhereCredentials>() });
builder.Services.AddAWSService<IAmazonSecurityTokenService>();

try
{
    using var host = builder.Build();
    // Starting validates the "RolesAnywhere" section: a bad field stops here with its name.
    await host.StartAsync();
    var sts = host.Services.GetRequiredService<IAmazonSecurityTokenService>();
    var identity = await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest());
    Console.WriteLine($"Account: {identity.Account}");
    Console.WriteLine($"Arn: {identity.Arn}");
    await host.StopAsync();
    return 0;
}
catch (Exception e) when (e is CredentialException or OptionsValidationException)
{
    // Our messages say what to fix; no stack trace for a configuration mistake.
    await Console.Error.WriteLineAsync(e.Message);
    return 2;
}
