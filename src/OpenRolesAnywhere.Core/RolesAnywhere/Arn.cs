using System.Diagnostics.CodeAnalysis;

namespace OpenRolesAnywhere.Core.RolesAnywhere;

/// <summary><c>arn:partition:service:region:account:resource</c>.</summary>
public sealed record Arn(string Partition, string Service, string Region, string Account, string Resource)
{
    public static bool TryParse(string? text, [NotNullWhen(true)] out Arn? arn)
    {
        arn = null;
        var parts = text?.Split(':', 6);
        if (parts is not { Length: 6 } || parts[0] != "arn" || parts[1].Length == 0 || parts[2].Length == 0)
        {
            return false;
        }

        arn = new Arn(parts[1], parts[2], parts[3], parts[4], parts[5]);
        return true;
    }

    /// <summary>Parses, or throws a message that names the flag the value came from.</summary>
    public static Arn Parse(string text, string what)
    {
        return TryParse(text, out var arn)
            ? arn
            : throw new CredentialException(CredentialErrorKind.InvalidInput, $"{what} '{text}' is not an ARN (arn:aws:service:region:account:resource).");
    }

    public override string ToString() => $"arn:{Partition}:{Service}:{Region}:{Account}:{Resource}";
}
