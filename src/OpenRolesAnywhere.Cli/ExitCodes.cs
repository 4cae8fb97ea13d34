using OpenRolesAnywhere.Core;

namespace OpenRolesAnywhere.Cli;

/// <summary>Every exit code the tool returns, in one place (the README's table is made from this).</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    public const int Unexpected = 1;

    /// <summary>`health`: the server did not answer, or not healthily (1 is what container health checks expect).</summary>
    public const int Unhealthy = 1;

    public const int Usage = 2;
    public const int Certificate = 3;
    public const int Key = 4;
    public const int SignerUnavailable = 5;
    public const int Denied = 6;
    public const int Throttled = 7;
    public const int Unavailable = 8;
    public const int Cancelled = 130;

    public static int For(CredentialErrorKind kind) => kind switch
    {
        CredentialErrorKind.InvalidInput => Usage,
        CredentialErrorKind.CertificateInvalid => Certificate,
        CredentialErrorKind.KeyNotFound or CredentialErrorKind.KeyUnsupported or CredentialErrorKind.KeyLocked
            or CredentialErrorKind.KeyMismatch => Key,
        CredentialErrorKind.SignerUnavailable => SignerUnavailable,
        CredentialErrorKind.AccessDenied or CredentialErrorKind.NotFound => Denied,
        CredentialErrorKind.Throttled => Throttled,
        CredentialErrorKind.ServiceUnavailable or CredentialErrorKind.Network => Unavailable,
        _ => Unexpected,
    };
}
