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
}
