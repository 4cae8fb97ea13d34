namespace OpenRolesAnywhere.TestCommon.FakeRolesAnywhere;

/// <summary>
/// What a test of a CreateSession client needs, fresh per test: a test PKI, the verifying fake trusting its root,
/// a temporary directory for certificates and keys, and an HTTP client.
/// </summary>
public sealed class CreateSessionTestBed : IAsyncDisposable
{
    private CreateSessionTestBed(TestPki pki, FakeRolesAnywhereServer fake)
    {
        Pki = pki;
        Fake = fake;
    }

    public TestPki Pki { get; }

    public FakeRolesAnywhereServer Fake { get; }

    public TempDirectory Temp { get; } = new();

    public HttpClient Http { get; } = new();

    public static async Task<CreateSessionTestBed> StartAsync()
    {
        var pki = TestPki.Create();
        return new CreateSessionTestBed(pki, await FakeRolesAnywhereServer.StartAsync(pki.Root));
    }

    public async ValueTask DisposeAsync()
    {
        await Fake.DisposeAsync();
        Http.Dispose();
        Pki.Dispose();
        Temp.Dispose();
    }
}
