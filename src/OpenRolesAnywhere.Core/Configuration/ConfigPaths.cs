namespace OpenRolesAnywhere.Core.Configuration;

/// <summary><c>$XDG_CONFIG_HOME/openrolesanywhere</c>, else <c>~/.config/openrolesanywhere</c>, as the original tool.</summary>
public static class ConfigPaths
{
    public static string Directory(Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var xdg = environment("XDG_CONFIG_HOME");
        var root = string.IsNullOrEmpty(xdg)
            ? Path.Combine(environment("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config")
            : xdg;
        return Path.Combine(root, "openrolesanywhere");
    }

    /// <summary>The certificate saved under a name (<c>--name mycert</c> is <c>mycert.pem</c>, and so is <c>--name mycert.pem</c>).</summary>
    public static string NamedCertificate(string name, Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Path.Combine(Directory(environment), name.EndsWith(".pem", StringComparison.OrdinalIgnoreCase) ? name : name + ".pem");
    }
}
