using System.Security.Cryptography;
using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.Core.Credentials;
using OpenRolesAnywhere.Core.RolesAnywhere;

namespace OpenRolesAnywhere.TestCommon.Credentials;

/// <summary>
/// A credential source that counts its fetches, hands out distinct credentials each time (so a test can
/// tell which fetch an answer came from), and can be held or made to fail.
/// </summary>
public sealed class CountingCredentialSource(TimeProvider time, string name = "default", TimeSpan? lifetime = null) : ICredentialSource
{
    public const string AccountId = "123456789012";

    private int _calls;

    public string Name => name;

    /// <summary>Its own name unless set (the server tests set the key of the source's options).</summary>
    public string CacheKey { get; set; } = "counting:" + name;

    public string RoleArn { get; set; } = $"arn:aws:iam::{AccountId}:role/{name}";

    public TimeSpan Lifetime { get; set; } = lifetime ?? TimeSpan.FromHours(1);

    /// <summary>While set, fetches wait for it before answering.</summary>
    public TaskCompletionSource? Hold { get; set; }

    /// <summary>While set, fetches fail with it (after any <see cref="Hold"/>).</summary>
    public CredentialException? Failure { get; set; }

    /// <summary>The end of the certificate the credentials come with, as a real source reports it; none when null.</summary>
    public DateTimeOffset? CertificateExpiration { get; set; }

    public int Calls => Volatile.Read(ref _calls);

    public async Task<SessionCredentials> FetchAsync(CancellationToken cancellationToken)
    {
        var call = Interlocked.Increment(ref _calls);
        if (Hold is { } hold)
        {
            await hold.Task.WaitAsync(cancellationToken);
        }

        if (Failure is { } failure)
        {
            throw new CredentialException(failure.Kind, failure.Message);
        }

        var now = time.GetUtcNow();
        return new SessionCredentials(
            $"ASIAFAKE{call:D12}",
            Convert.ToBase64String(RandomNumberGenerator.GetBytes(30)),
            Convert.ToBase64String(RandomNumberGenerator.GetBytes(60)),
            new DateTimeOffset(now.Ticks - now.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero) + Lifetime,
            RoleArn,
            $"arn:aws:sts::{AccountId}:assumed-role/{Name}/session") { CertificateExpiration = CertificateExpiration };
    }

    public static string AccessKeyIdOf(int call) => $"ASIAFAKE{call:D12}";
}
