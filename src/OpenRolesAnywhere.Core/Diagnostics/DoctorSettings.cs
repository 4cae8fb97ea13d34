using OpenRolesAnywhere.Core.Credentials;
using OpenRolesAnywhere.Core.KeySources;

namespace OpenRolesAnywhere.Core.Diagnostics;

/// <summary>What <c>doctor</c> checks: the options <c>credential-process</c> takes, and where to read what the service holds.</summary>
public sealed class DoctorSettings
{
    public required CredentialSourceOptions Source { get; init; }

    public required KeySourceProviders Keys { get; init; }

    public required HttpClient Http { get; init; }

    public TimeProvider Time { get; init; } = TimeProvider.System;

    public Func<string, string?> Environment { get; init; } = System.Environment.GetEnvironmentVariable;

    /// <summary>Makes the control-plane reader for an endpoint and region; null when this build has none.</summary>
    public Func<Uri, string, IRolesAnywhereDirectory>? Directory { get; init; }

    /// <summary>A PEM file with the trust anchor's certificate, used instead of the one Roles Anywhere holds.</summary>
    public string? TrustAnchorCertificate { get; init; }

    /// <summary>Whether to call CreateSession at the end.</summary>
    public bool Try { get; init; }
}
