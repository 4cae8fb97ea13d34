namespace OpenRolesAnywhere.Core;

/// <summary>Why credentials could not be had. Each kind maps to one exit code and one HTTP answer.</summary>
public enum CredentialErrorKind
{
    InvalidInput,
    CertificateInvalid,
    KeyNotFound,
    KeyUnsupported,
    KeyLocked,
    KeyMismatch,
    SignerUnavailable,
    AccessDenied,
    NotFound,
    Throttled,
    ServiceUnavailable,
    Network,
}

/// <summary>
/// An expected failure, with a message a person can act on. Never carries a secret: messages are shown
/// and logged as they are.
/// </summary>
public sealed class CredentialException : Exception
{
    public CredentialException(CredentialErrorKind kind, string message, Exception? inner = null)
        : base(message, inner)
    {
        Kind = kind;
    }

    public CredentialErrorKind Kind { get; }

    /// <summary>Whether trying again later can help (the cache keeps its last good credentials meanwhile).</summary>
    public bool IsTransient => Kind is CredentialErrorKind.Throttled or CredentialErrorKind.ServiceUnavailable
        or CredentialErrorKind.Network or CredentialErrorKind.SignerUnavailable;
}
