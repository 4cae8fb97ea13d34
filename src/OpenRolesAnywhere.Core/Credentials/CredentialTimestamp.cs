using System.Globalization;

namespace OpenRolesAnywhere.Core.Credentials;

/// <summary>
/// The one timestamp form of every credential document we write (credential_process, container credentials,
/// IMDS): UTC with <c>Z</c> and no fractions, which every SDK parses (the JS SDK rejects <c>+00:00</c>).
/// </summary>
public static class CredentialTimestamp
{
    public static string Format(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
