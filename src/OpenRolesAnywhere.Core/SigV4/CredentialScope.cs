using System.Globalization;

namespace OpenRolesAnywhere.Core.SigV4;

/// <summary><c>yyyyMMdd/region/service/aws4_request</c>, and the request time it was made for.</summary>
public sealed record CredentialScope(DateTimeOffset Time, string Region, string Service)
{
    public string AmzDate => Time.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    public string Date => Time.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    public override string ToString() => $"{Date}/{Region}/{Service}/aws4_request";
}
