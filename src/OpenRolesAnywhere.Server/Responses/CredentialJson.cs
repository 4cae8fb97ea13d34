using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using OpenRolesAnywhere.Core.Credentials;

namespace OpenRolesAnywhere.Server.Responses;

/// <summary>
/// The two credential answers, byte for byte as clients parse them; times in <see cref="CredentialTimestamp"/>'s form.
/// </summary>
internal static class CredentialJson
{
    // Cache hits hand out the same CachedCredentials object, so its serialized form is kept with it.
    private static readonly ConditionalWeakTable<CachedCredentials, byte[]> ContainerBodies = new();

    /// <summary>The container-credentials answer (<c>AWS_CONTAINER_CREDENTIALS_FULL_URI</c>), with <c>AccountId</c> and <c>RoleArn</c>.</summary>
    public static byte[] Container(CachedCredentials cached) => ContainerBodies.GetValue(cached, static c => Write(writer =>
    {
        var credentials = c.Credentials;
        writer.WriteString("AccessKeyId", credentials.AccessKeyId);
        writer.WriteString("SecretAccessKey", credentials.SecretAccessKey);
        writer.WriteString("Token", credentials.SessionToken);
        writer.WriteString("Expiration", CredentialTimestamp.Format(credentials.Expiration));
        if (credentials.AccountId is { } account)
        {
            writer.WriteString("AccountId", account);
        }

        writer.WriteString("RoleArn", credentials.RoleArn);
    }));

    /// <summary>The IMDS answer; the Go SDK insists on <c>"Code": "Success"</c>.</summary>
    public static byte[] Imds(CachedCredentials cached) => Write(writer =>
    {
        var credentials = cached.Credentials;
        writer.WriteString("Code", "Success");
        writer.WriteString("LastUpdated", CredentialTimestamp.Format(cached.ObtainedAt));
        writer.WriteString("Type", "AWS-HMAC");
        writer.WriteString("AccessKeyId", credentials.AccessKeyId);
        writer.WriteString("SecretAccessKey", credentials.SecretAccessKey);
        writer.WriteString("Token", credentials.SessionToken);
        writer.WriteString("Expiration", CredentialTimestamp.Format(credentials.Expiration));
    });

    /// <summary>Errors in both spellings: SDKs read <c>code</c>/<c>message</c> or <c>Code</c>/<c>Message</c>.</summary>
    public static byte[] Error(string code, string message) => Write(writer =>
    {
        writer.WriteString("code", code);
        writer.WriteString("message", message);
        writer.WriteString("Code", code);
        writer.WriteString("Message", message);
    });

    public static byte[] Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
