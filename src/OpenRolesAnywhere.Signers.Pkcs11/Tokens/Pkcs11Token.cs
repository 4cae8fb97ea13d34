using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.Signers.Pkcs11.Modules;
using OpenRolesAnywhere.Signers.Pkcs11.Pins;
using Pkcs11Uri = OpenRolesAnywhere.Signers.Pkcs11.Uris.Pkcs11Uri;

namespace OpenRolesAnywhere.Signers.Pkcs11.Tokens;

/// <summary>
/// An open session with the one token a URI selects. Not thread-safe, as PKCS#11 sessions are not: its owner
/// serializes calls.
/// </summary>
internal sealed class Pkcs11Token : IDisposable
{
    private Pkcs11Token(Pkcs11Module module, ISlot slot, ITokenInfo info, ISession session)
    {
        Module = module;
        Slot = slot;
        Info = info;
        Session = session;
        Description = Describe(info, module.Path);
    }

    public Pkcs11Module Module { get; }

    public ISlot Slot { get; }

    public ITokenInfo Info { get; }

    public ISession Session { get; }

    /// <summary>For messages: <c>the token "label" (serial …) of module …</c>.</summary>
    public string Description { get; }

    /// <summary>Finds the token <paramref name="uri"/> names and opens a read-only session with it.</summary>
    public static Pkcs11Token Open(Pkcs11Module module, Pkcs11Uri uri)
    {
        var slot = FindSlot(module, uri);
        ITokenInfo info;
        ISession session;
        try
        {
            info = slot.GetTokenInfo();
            session = slot.OpenSession(SessionType.ReadOnly);
        }
        catch (Pkcs11Exception e)
        {
            throw Pkcs11Errors.From(e, $"the token of {uri}", "opening a session");
        }

        return new Pkcs11Token(module, slot, info, session);
    }

    /// <summary>
    /// Logs the user in, once per token (PKCS#11 login is per application, so another session of this process
    /// may have done it already). A PIN refused before is not offered again.
    /// </summary>
    public void Login(Pkcs11PinResolver pins)
    {
        var flags = Slot.GetTokenInfo().TokenFlags;
        if (flags.UserPinLocked)
        {
            throw Pkcs11Errors.PinLocked(Description);
        }

        var identity = Module.Path + "\n" + Info.SerialNumber + "\n" + Info.Label;
        try
        {
            if (flags.ProtectedAuthenticationPath)
            {
                // A PIN pad or biometric reader: the token asks the person itself.
                Session.Login(CKU.CKU_USER, (byte[]?)null);
                return;
            }

            var pin = pins.Resolve(Description);
            if (RejectedPins.WasRejected(identity, pin))
            {
                throw new CredentialException(CredentialErrorKind.KeyLocked,
                    $"The PIN for {Description} was refused earlier in this process and is not tried again (tokens lock after a few wrong PINs). Fix the PIN and start again.");
            }

            try
            {
                Session.Login(CKU.CKU_USER, pin);
            }
            catch (Pkcs11Exception e) when (e.RV == CKR.CKR_PIN_INCORRECT)
            {
                RejectedPins.Remember(identity, pin);
                throw Pkcs11Errors.PinIncorrect(Description, TryFlags(), e);
            }

            pins.Accepted(pin);
        }
        catch (Pkcs11Exception e) when (e.RV == CKR.CKR_USER_ALREADY_LOGGED_IN)
        {
            // Logged in through another session of this process: the login is shared.
        }
        catch (Pkcs11Exception e)
        {
            throw Pkcs11Errors.From(e, Description, "logging in");
        }
    }

    /// <summary>Objects of <paramref name="objectClass"/> (or any class, if null) that match the URI's label and id.</summary>
    public List<IObjectHandle> Find(Pkcs11Uri uri, CKO? objectClass)
    {
        var factory = Module.Factories.ObjectAttributeFactory;
        var template = new List<IObjectAttribute>();
        if (objectClass is { } cls)
        {
            template.Add(factory.Create(CKA.CKA_CLASS, cls));
        }

        if (uri.ObjectLabel is { } label)
        {
            template.Add(factory.Create(CKA.CKA_LABEL, label));
        }

        if (uri.Id is { } id)
        {
            template.Add(factory.Create(CKA.CKA_ID, id));
        }

        return Session.FindAllObjects(template);
    }

    /// <summary>Attribute values, with null for those the token does not have or will not reveal.</summary>
    public byte[]?[] Read(IObjectHandle handle, params CKA[] attributes)
    {
        var values = Session.GetAttributeValue(handle, [.. attributes]);
        return values.Select(v => v.CannotBeRead ? null : v.GetValueAsByteArray()).ToArray();
    }

    public ulong? ReadUlong(IObjectHandle handle, CKA attribute)
    {
        var value = Session.GetAttributeValue(handle, [attribute])[0];
        return value.CannotBeRead ? null : value.GetValueAsUlong();
    }

    public bool? ReadBool(IObjectHandle handle, CKA attribute)
    {
        var value = Session.GetAttributeValue(handle, [attribute])[0];
        return value.CannotBeRead ? null : value.GetValueAsBool();
    }

    /// <summary>A label and id for messages, e.g. <c>"rsa" (id 01)</c>.</summary>
    public string DescribeObject(IObjectHandle handle)
    {
        var values = Read(handle, CKA.CKA_LABEL, CKA.CKA_ID);
        var label = values[0] is { } l ? System.Text.Encoding.UTF8.GetString(l) : "(no label)";
        return values[1] is { Length: > 0 } id ? $"\"{label}\" (id {Convert.ToHexString(id).ToLowerInvariant()})" : $"\"{label}\"";
    }

    public void Dispose()
    {
        try
        {
            Session.Dispose();
        }
        catch (Pkcs11Exception)
        {
            // The session is gone already (token removed): nothing left to close.
        }
    }

    private ITokenFlags? TryFlags()
    {
        try
        {
            return Slot.GetTokenInfo().TokenFlags;
        }
        catch (Pkcs11Exception)
        {
            return null;
        }
    }

    private static ISlot FindSlot(Pkcs11Module module, Pkcs11Uri uri)
    {
        try
        {
            if (!LibraryMatches(module.Library.GetInfo(), uri))
            {
                throw new CredentialException(CredentialErrorKind.KeyNotFound,
                    $"The PKCS#11 module {module.Path} is not the library {uri} names (library-manufacturer, library-description or library-version differ).");
            }

            var present = module.Library.GetSlotList(SlotsType.WithTokenPresent);
            var matching = present.Where(s => SlotMatches(s, uri)).ToList();
            var labels = present.Select(TryLabel).OfType<string>().ToList();
            return matching.Count switch
            {
                1 => matching[0],
                0 => throw new CredentialException(CredentialErrorKind.SignerUnavailable,
                    $"No token matching {uri} is present in {module.Path} (tokens present: {(labels.Count == 0 ? "none" : string.Join(", ", labels))}). Insert the token, or check token= and serial= in the URI."
                    + (module.Path.Contains("tpm2_pkcs11", StringComparison.Ordinal) ? TpmLockoutHint : string.Empty)),
                _ => throw new CredentialException(CredentialErrorKind.InvalidInput,
                    $"{uri} matches {matching.Count} tokens ({string.Join(", ", matching.Select(s => Label(s.GetTokenInfo())))}); add token= or serial= so it names one (a PIN must only ever go to one token)."),
            };
        }
        catch (Pkcs11Exception e)
        {
            throw Pkcs11Errors.From(e, $"The PKCS#11 module {module.Path}", "listing its tokens");
        }
    }

    // Seen with tpm2-pkcs11 1.9 on swtpm: after the TPM's dictionary-attack lockout its tokens read as uninitialized.
    private const string TpmLockoutHint =
        " If the TPM saw too many wrong PINs, its dictionary-attack lockout makes tpm2-pkcs11 show the token as uninitialized: wait for the lockout to expire, or clear it with `tpm2_dictionarylockout --clear-lockout` (needs the lockout authorization).";

    private static bool LibraryMatches(ILibraryInfo info, Pkcs11Uri uri) =>
        Same(uri.LibraryManufacturer, info.ManufacturerId)
        && Same(uri.LibraryDescription, info.LibraryDescription)
        && (uri.LibraryVersion is not { } version || VersionMatches(version, info.LibraryVersion));

    private static bool VersionMatches(string wanted, string actual)
    {
        // RFC 7512: "library-version=1" means 1.0.
        var w = wanted.Contains('.', StringComparison.Ordinal) ? wanted : wanted + ".0";
        var a = actual.Split('.');
        var b = w.Split('.');
        return a.Length == 2 && int.Parse(a[0], System.Globalization.CultureInfo.InvariantCulture) == int.Parse(b[0], System.Globalization.CultureInfo.InvariantCulture)
            && int.Parse(a[1], System.Globalization.CultureInfo.InvariantCulture) == int.Parse(b[1], System.Globalization.CultureInfo.InvariantCulture);
    }

    // A slot whose token cannot be read (being pulled, broken) is not the one asked for; it must not hide the others.
    private static bool SlotMatches(ISlot slot, Pkcs11Uri uri)
    {
        try
        {
            return SlotMatchesOrThrows(slot, uri);
        }
        catch (Pkcs11Exception)
        {
            return false;
        }
    }

    private static string? TryLabel(ISlot slot)
    {
        try
        {
            return Label(slot.GetTokenInfo());
        }
        catch (Pkcs11Exception)
        {
            return null;
        }
    }

    private static bool SlotMatchesOrThrows(ISlot slot, Pkcs11Uri uri)
    {
        if (uri.SlotId is { } id && slot.SlotId != id)
        {
            return false;
        }

        if (uri.SlotDescription is not null || uri.SlotManufacturer is not null)
        {
            var info = slot.GetSlotInfo();
            if (!Same(uri.SlotDescription, info.SlotDescription) || !Same(uri.SlotManufacturer, info.ManufacturerId))
            {
                return false;
            }
        }

        var token = slot.GetTokenInfo();
        return token.TokenFlags.TokenInitialized
            && Same(uri.Token, token.Label) && Same(uri.Manufacturer, token.ManufacturerId)
            && Same(uri.Model, token.Model) && Same(uri.Serial, token.SerialNumber);
    }

    // PKCS#11 pads these fixed-width fields with blanks; RFC 7512 compares them without the padding.
    private static bool Same(string? wanted, string actual) =>
        wanted is null || string.Equals(wanted, actual.TrimEnd(' ', '\0'), StringComparison.Ordinal);

    private static string Label(ITokenInfo info) => $"\"{info.Label.TrimEnd(' ', '\0')}\"";

    private static string Describe(ITokenInfo info, string modulePath) =>
        $"the token {Label(info)} (serial {info.SerialNumber.TrimEnd(' ', '\0')}) of {Path.GetFileName(modulePath)}";
}
