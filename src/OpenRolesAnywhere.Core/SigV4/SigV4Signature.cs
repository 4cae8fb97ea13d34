namespace OpenRolesAnywhere.Core.SigV4;

/// <summary>What a signing produced, kept whole so tests and docs can show every intermediate step.</summary>
public sealed record SigV4Signature(
    string Algorithm,
    CredentialScope Scope,
    CanonicalRequest CanonicalRequest,
    string StringToSign,
    string Signature,
    string Credential)
{
    public string AuthorizationHeader =>
        $"{Algorithm} Credential={Credential}/{Scope}, SignedHeaders={CanonicalRequest.SignedHeaders}, Signature={Signature}";

    public static string BuildStringToSign(string algorithm, CredentialScope scope, CanonicalRequest canonicalRequest) =>
        $"{algorithm}\n{scope.AmzDate}\n{scope}\n{canonicalRequest.Hash}";
}
