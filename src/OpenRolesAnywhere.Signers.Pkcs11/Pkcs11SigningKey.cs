using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.Core.Signing;
using OpenRolesAnywhere.Signers.Pkcs11.Modules;
using OpenRolesAnywhere.Signers.Pkcs11.Pins;
using OpenRolesAnywhere.Signers.Pkcs11.Tokens;
using Pkcs11Uri = OpenRolesAnywhere.Signers.Pkcs11.Uris.Pkcs11Uri;

namespace OpenRolesAnywhere.Signers.Pkcs11;

/// <summary>
/// A private key on a PKCS#11 token (smart card, YubiKey PIV, HSM, or a TPM through tpm2-pkcs11). It logs in
/// once and keeps its session; signing is serialized because PKCS#11 sessions are not thread-safe; when the
/// token was removed (or the session lost) it opens a new session once and signs again.
/// </summary>
public sealed class Pkcs11SigningKey : ISigningKey
{
    // DER of DigestInfo{ sha256, NULL } up to the OCTET STRING header (RFC 8017 section 9.2, note 1).
    private static readonly byte[] Sha256DigestInfoPrefix = Convert.FromHexString("3031300d060960864801650304020105000420");

    private readonly Pkcs11Module _module;
    private readonly Pkcs11Uri _uri;
    private readonly Pkcs11PinResolver _pins;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private Pkcs11Token? _token;
    private IObjectHandle? _key;
    private CKM _mechanism;
    private int _disposed;

    private Pkcs11SigningKey(Pkcs11Module module, Pkcs11Uri uri, Pkcs11PinResolver pins)
    {
        _module = module;
        _uri = uri;
        _pins = pins;
        PublicKey = Connect();
        Kind = PublicKeys.KindOf(PublicKey);
        Description = $"PKCS#11 key {_uri} on {_token!.Description}";
    }

    public SigningKeyKind Kind { get; }

    public PublicKey PublicKey { get; }

    public string Description { get; }

    /// <summary>The signing mechanism in use: CKM_SHA256_RSA_PKCS, CKM_RSA_PKCS (over a DigestInfo made here) or CKM_ECDSA.</summary>
    public string Mechanism => _mechanism.ToString();

    internal static Pkcs11SigningKey Open(Pkcs11Uri uri, string modulePath, Pkcs11PinResolver pins)
    {
        if (uri.Type is { } type && type != "private")
        {
            throw new CredentialException(CredentialErrorKind.InvalidInput,
                $"{uri} names an object of type={type}; a private key needs type=private (or no type).");
        }

        var module = Pkcs11Module.Acquire(modulePath);
        try
        {
            return new Pkcs11SigningKey(module, uri, pins);
        }
        catch
        {
            module.Release();
            throw;
        }
    }

    public async Task<byte[]> SignAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed == 1, this);
            var toSign = Prepare(data.Span);
            if (_token is null)
            {
                // The token was gone at the last request: look for it again.
                Reconnect();
            }

            try
            {
                return SignOnce(toSign);
            }
            catch (Pkcs11Exception e) when (Pkcs11Errors.IsSessionLost(e.RV))
            {
                // Removed and re-inserted, or the session closed under us: one new session, one more try.
                Reconnect();
                try
                {
                    return SignOnce(toSign);
                }
                catch (Pkcs11Exception again)
                {
                    throw Pkcs11Errors.From(again, _token!.Description, "signing");
                }
            }
            catch (Pkcs11Exception e)
            {
                throw Pkcs11Errors.From(e, _token!.Description, "signing");
            }
        }
        finally
        {
            _lock.Release();
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        // Waits for a signature in progress; later callers see _disposed and stop.
        _lock.Wait();
        try
        {
            Disconnect();
            _module.Release();
        }
        finally
        {
            _lock.Release();
        }
    }

    private byte[] SignOnce(byte[] toSign) =>
        Finish(_token!.Session.Sign(_module.Factories.MechanismFactory.Create(_mechanism), _key!, toSign));

    private byte[] Prepare(ReadOnlySpan<byte> data) => _mechanism switch
    {
        CKM.CKM_SHA256_RSA_PKCS => data.ToArray(),
        CKM.CKM_RSA_PKCS => [.. Sha256DigestInfoPrefix, .. SHA256.HashData(data)],
        _ => SHA256.HashData(data),
    };

    private byte[] Finish(byte[] signature) => _mechanism == CKM.CKM_ECDSA ? RawToDer(signature) : signature;

    /// <summary>CKM_ECDSA gives r||s, each as wide as the curve's order; CreateSession wants DER SEQUENCE{r,s}.</summary>
    internal static byte[] RawToDer(byte[] raw)
    {
        if (raw.Length == 0 || raw.Length % 2 != 0)
        {
            throw new CredentialException(CredentialErrorKind.SignerUnavailable, $"The token returned a {raw.Length}-byte ECDSA signature, which is not r||s.");
        }

        var half = raw.Length / 2;
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteIntegerUnsigned(Minimal(raw.AsSpan(0, half)));
            writer.WriteIntegerUnsigned(Minimal(raw.AsSpan(half)));
        }

        return writer.Encode();
    }

    // r and s are fixed-width; DER wants them without leading zero bytes (about 1 in 256 signatures has one).
    private static ReadOnlySpan<byte> Minimal(ReadOnlySpan<byte> value)
    {
        var start = 0;
        while (start < value.Length - 1 && value[start] == 0)
        {
            start++;
        }

        return value[start..];
    }

    private void Reconnect()
    {
        Disconnect();
        var publicKey = Connect();
        if (!PublicKeys.AreEqual(publicKey, PublicKey))
        {
            Disconnect();
            throw new CredentialException(CredentialErrorKind.KeyMismatch,
                $"The token now answering to {_uri} holds a different key than before; the certificate in use was issued for the old one.");
        }
    }

    private void Disconnect()
    {
        _token?.Dispose();
        _token = null;
        _key = null;
    }

    /// <summary>Opens a session, logs in, finds the key and checks its mechanisms; returns its public key.</summary>
    private PublicKey Connect()
    {
        var token = Pkcs11Token.Open(_module, _uri);
        try
        {
            token.Login(_pins);
            var key = FindKey(token);
            var keyType = (CKK)(token.ReadUlong(key, CKA.CKA_KEY_TYPE) ?? ulong.MaxValue);
            if (token.ReadBool(key, CKA.CKA_SIGN) == false)
            {
                throw new CredentialException(CredentialErrorKind.KeyUnsupported,
                    $"The private key {token.DescribeObject(key)} on {token.Description} is not allowed to sign (CKA_SIGN is false). Use a key made for signing.");
            }

            var publicKey = keyType switch
            {
                CKK.CKK_RSA => Pkcs11PublicKeys.Rsa(token, key),
                CKK.CKK_EC => Pkcs11PublicKeys.Ec(token, key),
                _ => throw new CredentialException(CredentialErrorKind.KeyUnsupported,
                    $"The private key {token.DescribeObject(key)} on {token.Description} is of type {keyType}; Roles Anywhere accepts RSA and EC (P-256, P-384) keys only."),
            };
            _mechanism = ChooseMechanism(token, keyType);
            _token = token;
            _key = key;
            return publicKey;
        }
        catch (Pkcs11Exception e)
        {
            token.Dispose();
            throw Pkcs11Errors.From(e, token.Description, "opening the key");
        }
        catch
        {
            token.Dispose();
            throw;
        }
    }

    private IObjectHandle FindKey(Pkcs11Token token)
    {
        if (_uri.ObjectLabel is null && _uri.Id is null)
        {
            throw new CredentialException(CredentialErrorKind.InvalidInput,
                $"{_uri} names no key: add object=LABEL or id=%01 (e.g. `pkcs11-tool --module ... --list-objects --login` lists them).");
        }

        var keys = token.Find(_uri, CKO.CKO_PRIVATE_KEY);
        if (keys.Count == 1)
        {
            return keys[0];
        }

        if (keys.Count > 1)
        {
            throw new CredentialException(CredentialErrorKind.InvalidInput,
                $"{_uri} matches {keys.Count} private keys on {token.Description} ({string.Join(", ", keys.Select(token.DescribeObject))}); add id= to name one.");
        }

        var others = token.Find(_uri, null);
        if (others.Count > 0)
        {
            var classes = string.Join(", ", others.Select(o => $"{token.DescribeObject(o)} is a {ClassName(token.ReadUlong(o, CKA.CKA_CLASS))}"));
            throw new CredentialException(CredentialErrorKind.KeyUnsupported,
                $"{_uri} on {token.Description} is not a private key that can sign: {classes}.");
        }

        var available = token.Find(Pkcs11Uri.Parse(Pkcs11Uri.Scheme), CKO.CKO_PRIVATE_KEY).Select(token.DescribeObject).ToList();
        throw new CredentialException(CredentialErrorKind.KeyNotFound,
            $"There is no private key matching {_uri} on {token.Description}. Private keys there: {(available.Count == 0 ? "none" : string.Join(", ", available))}.");
    }

    private static string ClassName(ulong? objectClass) => (CKO?)objectClass switch
    {
        CKO.CKO_CERTIFICATE => "certificate",
        CKO.CKO_PUBLIC_KEY => "public key",
        CKO.CKO_SECRET_KEY => "secret key",
        CKO.CKO_DATA => "data object",
        { } other => other.ToString(),
        null => "object of unknown class",
    };

    /// <summary>Checked before any signing, so a token that cannot do it says so by name instead of failing later.</summary>
    private static CKM ChooseMechanism(Pkcs11Token token, CKK keyType)
    {
        var offered = token.Slot.GetMechanismList();
        bool CanSign(CKM m) => offered.Contains(m) && token.Slot.GetMechanismInfo(m).MechanismFlags.Sign;
        if (keyType == CKK.CKK_RSA)
        {
            return CanSign(CKM.CKM_SHA256_RSA_PKCS) ? CKM.CKM_SHA256_RSA_PKCS
                : CanSign(CKM.CKM_RSA_PKCS) ? CKM.CKM_RSA_PKCS
                : throw Lacks(token, "CKM_SHA256_RSA_PKCS or CKM_RSA_PKCS", offered);
        }

        return CanSign(CKM.CKM_ECDSA) ? CKM.CKM_ECDSA : throw Lacks(token, "CKM_ECDSA", offered);
    }

    private static CredentialException Lacks(Pkcs11Token token, string needed, List<CKM> offered) =>
        new(CredentialErrorKind.KeyUnsupported,
            $"{token.Description} cannot sign with {needed}, which Roles Anywhere needs for this key. It offers: {(offered.Count == 0 ? "no mechanisms" : string.Join(", ", offered.Select(m => m.ToString())))}.");
}
