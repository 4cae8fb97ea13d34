using OpenRolesAnywhere.Core.Configuration;

namespace OpenRolesAnywhere.Core.Credentials;

/// <summary>
/// Where a running <c>serve</c> keeps its token file and Unix socket, so <c>env</c> and
/// <c>credential-process</c> find them: <c>$RUNTIME_DIRECTORY</c> (systemd's <c>RuntimeDirectory=</c>),
/// else <c>$XDG_RUNTIME_DIR/openrolesanywhere</c>, else the config directory.
/// </summary>
public static class LocalServerPaths
{
    public static string Directory(Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        if (environment("RUNTIME_DIRECTORY") is { Length: > 0 } systemd)
        {
            // systemd may list several directories separated by ':'; ours is the first.
            return systemd.Split(':')[0];
        }

        return environment("XDG_RUNTIME_DIR") is { Length: > 0 } runtime
            ? Path.Combine(runtime, "openrolesanywhere")
            : ConfigPaths.Directory(environment);
    }

    public static string TokenFile(Func<string, string?>? environment = null) => Path.Combine(Directory(environment), "server.token");

    public static string Socket(Func<string, string?>? environment = null) => Path.Combine(Directory(environment), "server.sock");
}
