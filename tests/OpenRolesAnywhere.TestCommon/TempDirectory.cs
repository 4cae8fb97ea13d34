namespace OpenRolesAnywhere.TestCommon;

/// <summary>
/// A private folder for one test or fixture, removed afterwards: the one temp-directory helper of the tests.
/// Paths stay short (<c>/tmp/ora-…</c>): Unix socket paths inside it must fit in 108 bytes.
/// </summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory(string prefix = "ora-test-")
    {
        Path = Directory.CreateTempSubdirectory(prefix).FullName;
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A process the test started may still hold a file; the OS temp cleaner gets it later.
        }
    }
}
