using System.Security.Cryptography.X509Certificates;
using OpenRolesAnywhere.Core;

namespace OpenRolesAnywhere.CertificateAuthority.Revocation;

/// <summary>The RFC 5280 reasons a CRL may carry, by the names people type (key-compromise, keyCompromise).</summary>
public static class RevocationReasons
{
    private static readonly Dictionary<string, X509RevocationReason> ByName = new(StringComparer.OrdinalIgnoreCase)
    {
        ["unspecified"] = X509RevocationReason.Unspecified,
        ["keycompromise"] = X509RevocationReason.KeyCompromise,
        ["cacompromise"] = X509RevocationReason.CACompromise,
        ["affiliationchanged"] = X509RevocationReason.AffiliationChanged,
        ["superseded"] = X509RevocationReason.Superseded,
        ["cessationofoperation"] = X509RevocationReason.CessationOfOperation,
        ["privilegewithdrawn"] = X509RevocationReason.PrivilegeWithdrawn,
    };

    /// <param name="text">The reason as typed; none means unspecified.</param>
    /// <param name="what">Names the input in errors.</param>
    public static X509RevocationReason Parse(string? text, string what = "reason")
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return X509RevocationReason.Unspecified;
        }

        var key = text.Replace("-", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal).Trim();
        return ByName.TryGetValue(key, out var reason)
            ? reason
            : throw new CredentialException(CredentialErrorKind.InvalidInput,
                $"{what} '{text}' is not a revocation reason; use one of: unspecified, key-compromise, ca-compromise, affiliation-changed, superseded, cessation-of-operation, privilege-withdrawn.");
    }

    public static string Name(X509RevocationReason reason) => reason switch
    {
        X509RevocationReason.KeyCompromise => "key-compromise",
        X509RevocationReason.CACompromise => "ca-compromise",
        X509RevocationReason.AffiliationChanged => "affiliation-changed",
        X509RevocationReason.Superseded => "superseded",
        X509RevocationReason.CessationOfOperation => "cessation-of-operation",
        X509RevocationReason.PrivilegeWithdrawn => "privilege-withdrawn",
        _ => "unspecified",
    };
}
