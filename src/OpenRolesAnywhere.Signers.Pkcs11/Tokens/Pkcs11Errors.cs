using Net.Pkcs11Interop.Common;
using OpenRolesAnywhere.Core;

namespace OpenRolesAnywhere.Signers.Pkcs11.Tokens;

/// <summary>What PKCS#11 return values mean to a person, as <see cref="CredentialException"/>s.</summary>
internal static class Pkcs11Errors
{
    /// <summary>The token or session went away: worth opening a new session once (the token may be back).</summary>
    public static bool IsSessionLost(CKR rv) => rv is CKR.CKR_TOKEN_NOT_PRESENT or CKR.CKR_DEVICE_REMOVED
        or CKR.CKR_SESSION_HANDLE_INVALID or CKR.CKR_SESSION_CLOSED or CKR.CKR_TOKEN_NOT_RECOGNIZED
        or CKR.CKR_SLOT_ID_INVALID or CKR.CKR_OBJECT_HANDLE_INVALID or CKR.CKR_KEY_HANDLE_INVALID
        or CKR.CKR_USER_NOT_LOGGED_IN;

    public static CredentialException TokenNotPresent(string token, Exception? inner = null) =>
        new(CredentialErrorKind.SignerUnavailable,
            $"{token} is not present: insert the token (or card) and try again. A running server opens it again by itself.", inner);

    public static CredentialException From(Pkcs11Exception e, string token, string doing) => e.RV switch
    {
        CKR.CKR_TOKEN_NOT_PRESENT or CKR.CKR_DEVICE_REMOVED or CKR.CKR_TOKEN_NOT_RECOGNIZED or CKR.CKR_SLOT_ID_INVALID
            => TokenNotPresent(token, e),
        CKR.CKR_PIN_INCORRECT => PinIncorrect(token, null, e),
        CKR.CKR_PIN_LOCKED => PinLocked(token, e),
        CKR.CKR_PIN_EXPIRED => new(CredentialErrorKind.KeyLocked,
            $"The PIN of {token} has expired: set a new one (e.g. `pkcs11-tool --change-pin`) and try again.", e),
        CKR.CKR_PIN_LEN_RANGE or CKR.CKR_PIN_INVALID => new(CredentialErrorKind.KeyLocked,
            $"The PIN given for {token} is not a possible PIN for it (wrong length or characters); it was not counted as a wrong try.", e),
        CKR.CKR_KEY_FUNCTION_NOT_PERMITTED => new(CredentialErrorKind.KeyUnsupported,
            $"The key on {token} is not allowed to sign (its CKA_SIGN is false). Use a key made for signing.", e),
        CKR.CKR_CRYPTOKI_NOT_INITIALIZED => new(CredentialErrorKind.SignerUnavailable,
            $"The PKCS#11 module of {token} was shut down while {doing}; start again.", e),
        _ => new(CredentialErrorKind.SignerUnavailable, $"{token} failed while {doing}: {e.Method} returned {e.RV}.", e),
    };

    /// <param name="flags">The token's flags read after the failure, to say how close it is to locking.</param>
    public static CredentialException PinIncorrect(string token, Net.Pkcs11Interop.HighLevelAPI.ITokenFlags? flags, Exception? inner = null) =>
        new(CredentialErrorKind.KeyLocked,
            $"The PIN for {token} is incorrect. It will not be tried again by this process, since tokens lock after a few wrong PINs; fix the PIN and run again."
            + (flags?.UserPinFinalTry == true ? " The token says one more wrong PIN will lock it."
                : flags?.UserPinCountLow == true ? " The token says few tries are left." : string.Empty), inner);

    public static CredentialException PinLocked(string token, Exception? inner = null) =>
        new(CredentialErrorKind.KeyLocked,
            $"The PIN of {token} is locked after too many wrong tries. "
            + (token.Contains("tpm2_pkcs11", StringComparison.Ordinal)
                ? "This is the TPM's dictionary-attack lockout: wait for it to expire, or clear it with `tpm2_dictionarylockout --clear-lockout` (needs the lockout authorization), then try again with the right PIN."
                : "Unblock it with the PUK or SO PIN (e.g. `pkcs11-tool --unlock-pin`, `yubico-piv-tool -a unblock-pin`) and try again."), inner);
}
