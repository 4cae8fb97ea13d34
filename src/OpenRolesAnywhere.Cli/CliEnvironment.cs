namespace OpenRolesAnywhere.Cli;

/// <summary>What a command reads from the world besides its arguments, so tests can run commands in-process.</summary>
internal sealed record CliEnvironment(Func<string, string?> Variable, TimeProvider Time, HttpMessageHandler? Http = null)
{
    public static CliEnvironment Process { get; } = new(Environment.GetEnvironmentVariable, TimeProvider.System);

    /// <summary>Reads all of standard input (for <c>--certificate -</c> or <c>--private-key -</c>).</summary>
    public Func<string> StandardInput { get; init; } = () => Console.In.ReadToEnd();

    public HttpClient CreateHttpClient() => Http is null ? new HttpClient() : new HttpClient(Http, disposeHandler: false);
}
