using OpenRolesAnywhere.TestCommon.Pkcs11;

namespace OpenRolesAnywhere.AwsSdk.Tests;

/// <summary>
/// Tests that touch process-wide state (SoftHSM2's SOFTHSM2_CONF, the AWS SDK's caches of environment and config)
/// run one at a time. One SoftHSM2 token serves the collection.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessEnvironment : ICollectionFixture<SoftHsmFixture>
{
    public const string Name = "Process environment";
}
