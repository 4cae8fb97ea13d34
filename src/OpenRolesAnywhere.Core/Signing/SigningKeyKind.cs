namespace OpenRolesAnywhere.Core.Signing;

public enum SigningKeyKind
{
    Rsa,
    EcdsaP256,
    EcdsaP384,
    MlDsa44,
    MlDsa65,
    MlDsa87,
}

public static class SigningKeyKindExtensions
{
    /// <summary>
    /// The CreateSession algorithm name: RSA and ECDSA (any curve) both sign over SHA-256; ML-DSA (accepted since
    /// 2026-02-27) signs the string to sign itself, no pre-hash, empty context.
    /// </summary>
    public static string X509Algorithm(this SigningKeyKind kind) => kind switch
    {
        SigningKeyKind.Rsa => "AWS4-X509-RSA-SHA256",
        SigningKeyKind.EcdsaP256 or SigningKeyKind.EcdsaP384 => "AWS4-X509-ECDSA-SHA256",
        _ => "AWS4-X509-MLDSA",
    };

    /// <summary>How messages name the kind.</summary>
    public static string DisplayName(this SigningKeyKind kind) => kind switch
    {
        SigningKeyKind.Rsa => "RSA",
        SigningKeyKind.EcdsaP256 => "ECDSA P-256",
        SigningKeyKind.EcdsaP384 => "ECDSA P-384",
        SigningKeyKind.MlDsa44 => "ML-DSA-44",
        SigningKeyKind.MlDsa65 => "ML-DSA-65",
        _ => "ML-DSA-87",
    };
}
