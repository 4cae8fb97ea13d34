namespace OpenRolesAnywhere.TestCommon.Pkcs11;

/// <summary>The token and TPM tools of the test environment (softhsm2-util, swtpm, tpm2_ptool): found on PATH, and run to success.</summary>
public static class ExternalTool
{
    public static bool IsInstalled(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':').Any(d => File.Exists(Path.Combine(d, name)));

    /// <summary>Runs the tool (from a fixture's constructor, hence synchronously) and insists it succeeds.</summary>
    public static string Run(string file, IEnumerable<string> arguments, IDictionary<string, string?>? environment = null)
    {
        var list = arguments.ToList();
        var result = ProcessRunner.RunAsync(file, list, environment).GetAwaiter().GetResult();
        return result.ExitCode == 0
            ? result.Output
            : throw new InvalidOperationException($"{file} {string.Join(' ', list)} exited with {result.ExitCode}: {result.Error}{result.Output}");
    }
}
