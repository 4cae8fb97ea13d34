namespace OpenRolesAnywhere.Core.Signing;

public enum SigningKeyKind
{
    Rsa,
    EcdsaP256,
    EcdsaP384,
}

public static class SigningKeyKindExtensions
{
    /// <summary>The CreateSession algorithm name: RSA and ECDSA (any curve) both sign over SHA-256.</summary>
    public static string X509Algorithm(this SigningKeyKind kind) => kind switch
    {
        SigningKeyKind.Rsa => "AWS4-X509-RSA-SHA256",
        _ => "AWS4-X509-ECDSA-SHA256",
    };

    /// <summary>How messages name the kind.</summary>
    public static string DisplayName(this SigningKeyKind kind) => kind switch
    {
        SigningKeyKind.Rsa => "RSA",
        SigningKeyKind.EcdsaP256 => "ECDSA P-256",
        _ => "ECDSA P-384",
    };
}
