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
        var paths = (await RunAsync(python, "-c", "import certifi, os, site; print(os.path.dirname(certifi.__file__)); print(site.getsitepackages()[0])")).Split('\n');
        var certifi = Path.Combine(paths[1], "certifi");
        await RunAsync("cp", "-r", paths[0], certifi);
        var bundle = (await RunAsync(python, "-m", "certifi")).Trim();
        Assert.StartsWith(directory, bundle, StringComparison.Ordinal);
        await File.AppendAllTextAsync(bundle, "\n" + await File.ReadAllTextAsync(caFile));
        return python;
    }

    private static async Task<string> RunAsync(string file, params string[] arguments)
    {
        var result = await ProcessRunner.RunAsync(file, arguments, timeout: TimeSpan.FromSeconds(60));
        Assert.True(result.ExitCode == 0, $"{file} {string.Join(' ', arguments)}: {result.Error}");
        return result.Output.TrimEnd();
    }
}
