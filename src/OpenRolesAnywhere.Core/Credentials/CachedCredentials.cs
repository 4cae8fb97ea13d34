using OpenRolesAnywhere.Core.RolesAnywhere;

namespace OpenRolesAnywhere.Core.Credentials;

/// <summary>Credentials as the cache holds them: what CreateSession gave, and when.</summary>
public sealed record CachedCredentials(SessionCredentials Credentials, DateTimeOffset ObtainedAt)
{
    public DateTimeOffset Expiration => Credentials.Expiration;
}
