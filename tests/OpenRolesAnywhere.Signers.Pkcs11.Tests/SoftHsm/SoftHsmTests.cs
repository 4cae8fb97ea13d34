using OpenRolesAnywhere.TestCommon.Pkcs11;

namespace OpenRolesAnywhere.Signers.Pkcs11.Tests.SoftHsm;

/// <summary>SOFTHSM2_CONF is process-wide and SoftHSM reads it once: every test of the token runs here, one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SoftHsmTests : ICollectionFixture<SoftHsmFixture>
{
    public const string Name = "SoftHSM";
}
