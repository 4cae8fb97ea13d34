namespace OpenRolesAnywhere.CertificateAuthority.Tests.Support;

/// <summary>A test class with its own <see cref="AdminHarness"/> per test.</summary>
public abstract class AdminHarnessTest : IAsyncLifetime
{
    internal AdminHarness Harness { get; private set; } = null!;

    public virtual async Task InitializeAsync() => Harness = await AdminHarness.StartAsync();

    public async Task DisposeAsync() => await Harness.DisposeAsync();
}
