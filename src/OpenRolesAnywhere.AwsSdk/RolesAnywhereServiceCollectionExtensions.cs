using Amazon.Runtime;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenRolesAnywhere.AwsSdk;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="RolesAnywhereCredentials"/> for the AWS SDK's dependency injection (AWSSDK.Extensions.NETCore.Setup).</summary>
public static class RolesAnywhereServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="RolesAnywhereCredentialsOptions"/> from the configuration section <paramref name="section"/>
    /// (<c>"RolesAnywhere": { ... }</c>), validates it when the host starts, and registers one
    /// <see cref="RolesAnywhereCredentials"/>, also as <see cref="AWSCredentials"/>. Give it to the SDK's clients with
    /// <c>services.AddDefaultAWSOptions(sp =&gt; new AWSOptions { Credentials = sp.GetRequiredService&lt;RolesAnywhereCredentials&gt;() })</c>;
    /// versions of AWSSDK.Extensions.NETCore.Setup that look for a registered <see cref="AWSCredentials"/> find it without that.
    /// </summary>
    public static OptionsBuilder<RolesAnywhereCredentialsOptions> AddRolesAnywhereCredentials(
        this IServiceCollection services, string section = RolesAnywhereCredentialsOptions.SectionName)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton<IValidateOptions<RolesAnywhereCredentialsOptions>>(new RolesAnywhereCredentialsOptionsValidator(section));
        services.TryAddSingleton(provider => new RolesAnywhereCredentials(
            provider.GetRequiredService<IOptions<RolesAnywhereCredentialsOptions>>().Value, provider.GetService<TimeProvider>() ?? TimeProvider.System));
        services.TryAddSingleton<AWSCredentials>(provider => provider.GetRequiredService<RolesAnywhereCredentials>());
        return services.AddOptions<RolesAnywhereCredentialsOptions>()
            .BindConfiguration(section, binder => binder.ErrorOnUnknownConfiguration = true)
            .ValidateOnStart();
    }
}
