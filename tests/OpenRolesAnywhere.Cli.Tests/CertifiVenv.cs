using OpenRolesAnywhere.TestCommon;

namespace OpenRolesAnywhere.Cli.Tests;

/// <summary>
/// A Python virtual environment over this machine's Python (its botocore and AWS CLI) with a certifi of its own whose
/// bundle ends with a private CA: what a Python workload's image does with <c>cat ca.pem >> "$(python3 -m certifi)"</c>.
/// botocore's container-credentials fetch verifies against that bundle only; <c>AWS_CA_BUNDLE</c> does not reach it.
/// </summary>
internal static class CertifiVenv
{
    /// <returns>The environment's python, made on first use in <paramref name="directory"/>.</returns>
    public static async Task<string> PythonAsync(string directory, string caFile)
    {
        var python = Path.Combine(directory, "bin", "python");
        if (File.Exists(python))
        {
            return python;
        }

        await RunAsync("python3", "-m", "venv", "--system-site-packages", "--without-pip", directory);
        var paths = (await RunAsync(python, "-c", "import certifi, site; print(certifi.where()); print(site.getsitepackages()[0])")).Split('\n');
        // A certifi of our own rather than a copy: Debian's python3-certifi answers the system store's path, not a bundle of its own.
        var certifi = Directory.CreateDirectory(Path.Combine(paths[1], "certifi")).FullName;
        await File.WriteAllTextAsync(Path.Combine(certifi, "cacert.pem"), await File.ReadAllTextAsync(paths[0]) + "\n" + await File.ReadAllTextAsync(caFile));
        await File.WriteAllTextAsync(Path.Combine(certifi, "__init__.py"),
            "import os\n\ndef where():\n    return os.path.join(os.path.dirname(__file__), 'cacert.pem')\n\n"
            + "def contents():\n    with open(where(), encoding='ascii') as bundle:\n        return bundle.read()\n");
        await File.WriteAllTextAsync(Path.Combine(certifi, "__main__.py"), "from certifi import where\nprint(where())\n");
        var bundle = (await RunAsync(python, "-m", "certifi")).Trim();
        Assert.StartsWith(directory, bundle, StringComparison.Ordinal);
        return python;
    }

    private static async Task<string> RunAsync(string file, params string[] arguments)
    {
        var result = await ProcessRunner.RunAsync(file, arguments, timeout: TimeSpan.FromSeconds(60));
        Assert.True(result.ExitCode == 0, $"{file} {string.Join(' ', arguments)}: {result.Error}");
        return result.Output.TrimEnd();
    }
}
