using System.CommandLine;
using OpenRolesAnywhere.Core.SigV4;

namespace OpenRolesAnywhere.Cli.Commands;

/// <summary>
/// <c>--debug</c> on the commands that sign: the canonical request and the string to sign on standard error. Both
/// hold only what is public (the certificate, the ARNs, the date); the signature is left out because, with them,
/// it is a request anyone could replay for credentials until it goes stale.
/// </summary>
internal static class SigningDebug
{
    public static Option<bool> CreateOption() => new("--debug")
    {
        Description = "Print the canonical request and the string to sign on standard error (no key, signature or credentials). Signs here even when a serve is running.",
    };

    /// <summary>The observer for <see cref="Core.RolesAnywhere.RolesAnywhereClient"/>, or null when <c>--debug</c> is off.</summary>
    public static Action<SigV4Signature>? Observer(ParseResult result, Option<bool> option) =>
        result.GetValue(option) ? Write(result.InvocationConfiguration.Error) : null;

    private static Action<SigV4Signature> Write(TextWriter error) => signature =>
    {
        error.WriteLine("openrolesanywhere: debug: canonical request:");
        error.WriteLine(signature.CanonicalRequest.Text);
        error.WriteLine("openrolesanywhere: debug: string to sign:");
        error.WriteLine(signature.StringToSign);
    };
}
