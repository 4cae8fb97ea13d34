using System.Text;
using Net.Pkcs11Interop.Common;
using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.Core.Certificates;
using OpenRolesAnywhere.Core.Credentials;
using OpenRolesAnywhere.Core.RolesAnywhere;
using OpenRolesAnywhere.Signers.Pkcs11.Modules;
using OpenRolesAnywhere.TestCommon.Pkcs11;

namespace OpenRolesAnywhere.Signers.Pkcs11.Tests.SoftHsm;

/// <summary>The unhappy paths of issue 5, against the real SoftHSM token.</summary>
[Collection(SoftHsmTests.Name)]
public sealed class Pkcs11FailureTests
{
    private static readonly byte[] Data = Encoding.UTF8.GetBytes("string to sign");
    private readonly SoftHsmFixture _hsm;

    public Pkcs11FailureTests(SoftHsmFixture hsm)
    {
        _hsm = hsm;
    }

    private static Pkcs11KeySource Source => Pkcs11SigningKeyTests.Source();

    [Fact]
    public void OpenKey_WrongPin_SaysIncorrectOnceThenRefusesToRetryAndTokenStaysUsable()
    {
        const string wrong = "987654";

        var first = Assert.Throws<CredentialException>(() => Source.OpenKey(_hsm.Rsa.KeyUri("pin-value=" + wrong), new KeySourceOptions()));
        var second = Assert.Throws<CredentialException>(() => Source.OpenKey(_hsm.Rsa.KeyUri("pin-value=" + wrong), new KeySourceOptions()));

        Assert.Equal(CredentialErrorKind.KeyLocked, first.Kind);
        Assert.Contains("incorrect", first.Message, StringComparison.Ordinal);
        // SoftHSM raises CKF_USER_PIN_COUNT_LOW after a failure (it never locks, so the test cannot lock it either).
        Assert.Contains("few tries are left", first.Message, StringComparison.Ordinal);
        Assert.IsType<Pkcs11Exception>(first.InnerException);
        // The same wrong PIN never reaches the token a second time: it is refused before C_Login.
        Assert.Contains("refused earlier", second.Message, StringComparison.Ordinal);
        Assert.Null(second.InnerException);
        Assert.All(new[] { first, second }, e => Assert.DoesNotContain(wrong, e.Message, StringComparison.Ordinal));
        using var key = Source.OpenKey(_hsm.Rsa.KeyUri(), new KeySourceOptions());
        Assert.Equal(Core.Signing.SigningKeyKind.Rsa, key.Kind);
    }

    [Fact]
    public void OpenKey_MissingObject_ListsTheKeysThere()
    {
        var e = Assert.Throws<CredentialException>(() => Source.OpenKey(SoftHsmFixture.Uri("object=no-such-key"), new KeySourceOptions()));

        Assert.Equal(CredentialErrorKind.KeyNotFound, e.Kind);
        Assert.Contains("no-such-key", e.Message, StringComparison.Ordinal);
        Assert.Contains("\"p256\" (id 02)", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(SoftHsmFixture.Pin, e.Message.Replace(SoftHsmFixture.TokenLabel, "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void OpenKey_KeyNotAllowedToSign_SaysSo()
    {
        var e = Assert.Throws<CredentialException>(() => Source.OpenKey(SoftHsmFixture.Uri("object=decrypt-only"), new KeySourceOptions()));

        Assert.Equal(CredentialErrorKind.KeyUnsupported, e.Kind);
        Assert.Contains("CKA_SIGN", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OpenKey_SecretKeyObject_SaysItIsNotAPrivateKey()
    {
        var e = Assert.Throws<CredentialException>(() => Source.OpenKey(SoftHsmFixture.Uri("object=aes"), new KeySourceOptions()));

        Assert.Equal(CredentialErrorKind.KeyUnsupported, e.Kind);
        Assert.Contains("is a secret key", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OpenKey_UriOfCertificate_AsksForTypePrivate()
    {
        var e = Assert.Throws<CredentialException>(() => Source.OpenKey(SoftHsmFixture.Uri("object=rsa;type=cert"), new KeySourceOptions()));

        Assert.Equal(CredentialErrorKind.InvalidInput, e.Kind);
        Assert.Contains("type=private", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OpenKey_UriNamingNoObject_AsksForLabelOrId()
    {
        var e = Assert.Throws<CredentialException>(() => Source.OpenKey(SoftHsmFixture.Uri("type=private"), new KeySourceOptions()));

        Assert.Contains("object=", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EnsureKeyFitsCertificate_CertificateOfAnotherKey_KeyMismatch()
    {
        using var key = Source.OpenKey(_hsm.Rsa.KeyUri(), new KeySourceOptions());
        using var certificate = CertificateBundle.Load(_hsm.P256.CertificatePath);

        var e = Assert.Throws<CredentialException>(() => RolesAnywhereClient.EnsureKeyFitsCertificate(certificate, key));

        Assert.Equal(CredentialErrorKind.KeyMismatch, e.Kind);
        Assert.Contains("PKCS#11 key", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EnsureKeyFitsCertificate_ItsOwnCertificate_Passes()
    {
        using var key = Source.OpenKey(_hsm.P384.KeyUri(), new KeySourceOptions());
        using var certificate = CertificateBundle.Load(_hsm.P384.CertificatePath);

        RolesAnywhereClient.EnsureKeyFitsCertificate(certificate, key);

        Assert.Single(certificate.Intermediates);
    }

    [Fact]
    public void OpenKey_ModuleFileMissing_SaysWhichFile()
    {
        var e = Assert.Throws<CredentialException>(() =>
            Source.OpenKey("pkcs11:object=rsa?module-path=/nonexistent/libpkcs11.so", new KeySourceOptions()));

        Assert.Equal(CredentialErrorKind.SignerUnavailable, e.Kind);
        Assert.Contains("/nonexistent/libpkcs11.so does not exist", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OpenKey_LibraryThatIsNotAPkcs11Module_FailsToLoadClearly()
    {
        var notAModule = new[] { "/usr/lib/x86_64-linux-gnu/libz.so.1", "/lib/x86_64-linux-gnu/libz.so.1", "/usr/lib/aarch64-linux-gnu/libz.so.1" }.First(File.Exists);

        var e = Assert.Throws<CredentialException>(() => Source.OpenKey($"pkcs11:object=rsa?module-path={notAModule}", new KeySourceOptions()));

        Assert.Equal(CredentialErrorKind.SignerUnavailable, e.Kind);
        Assert.Contains($"The PKCS#11 module {notAModule} could not be loaded", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OpenKey_FileThatIsNotALibrary_FailsToLoadClearly()
    {
        var e = Assert.Throws<CredentialException>(() => Source.OpenKey($"pkcs11:object=rsa?module-path={_hsm.ConfigPath}", new KeySourceOptions()));

        Assert.Equal(CredentialErrorKind.SignerUnavailable, e.Kind);
        Assert.Contains("could not be loaded", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("library-manufacturer=Snake%20Oil,%20Inc.")]
    [InlineData("library-version=2")] // RFC 7512: a missing minor version is 0, and SoftHSM is 2.6.
    public void OpenKey_LibraryAttributesOfAnotherLibrary_SaysTheModuleIsNotIt(string attribute)
    {
        var e = Assert.Throws<CredentialException>(() => Source.OpenKey(SoftHsmFixture.Uri("object=p256;" + attribute), new KeySourceOptions()));

        Assert.Equal(CredentialErrorKind.KeyNotFound, e.Kind);
        Assert.Contains("is not the library", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OpenKey_LibraryAndTokenAttributesOfThisToken_FindTheKey()
    {
        using var key = Source.OpenKey(SoftHsmFixture.Uri("object=p256;library-manufacturer=SoftHSM;library-version=2.6;manufacturer=SoftHSM%20project;model=SoftHSM%20v2"),
            new KeySourceOptions());

        Assert.Equal(Core.Signing.SigningKeyKind.EcdsaP256, key.Kind);
    }

    [Fact]
    public void OpenKey_TokenNotPresent_SaysSoAndListsTokens()
    {
        var e = Assert.Throws<CredentialException>(() =>
            Source.OpenKey($"pkcs11:token=absent;object=rsa?module-path={SoftHsmFixture.ModulePath}&pin-value={SoftHsmFixture.Pin}", new KeySourceOptions()));

        Assert.Equal(CredentialErrorKind.SignerUnavailable, e.Kind);
        Assert.Contains("No token matching", e.Message, StringComparison.Ordinal);
        Assert.Contains($"\"{SoftHsmFixture.TokenLabel}\"", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("pin-value", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignAsync_SessionClosedUnderneath_OpensANewSessionAndSigns()
    {
        using var key = Source.OpenKey(_hsm.P256.KeyUri(), new KeySourceOptions());
        Assert.True(Pkcs11SigningKeyTests.Verify(_hsm.P256.Certificate, Data, await key.SignAsync(Data, CancellationToken.None)));

        CloseAllSessions(SoftHsmFixture.TokenLabel);

        Assert.True(Pkcs11SigningKeyTests.Verify(_hsm.P256.Certificate, Data, await key.SignAsync(Data, CancellationToken.None)));
    }

    [Fact]
    public async Task SignAsync_TokenRemovedBetweenRequests_SaysNotPresentAndOtherTokensStillWork()
    {
        var certificate = _hsm.Removable.Certificate;
        using var key = Source.OpenKey(
            $"pkcs11:token={SoftHsmFixture.RemovableTokenLabel};object=removable?module-path={SoftHsmFixture.ModulePath}&pin-value={SoftHsmFixture.Pin}",
            new KeySourceOptions());
        Assert.True(Pkcs11SigningKeyTests.Verify(certificate, Data, await key.SignAsync(Data, CancellationToken.None)));
        var pulled = Path.Combine(_hsm.Directory, "pulled");

        // SoftHSM keeps a token in its token directory: moving it away is pulling the card. (SoftHSM cannot see
        // it come back without a restart, so re-insertion is covered by the session-lost test above.)
        Directory.Move(_hsm.RemovableTokenDirectory, pulled);
        CredentialException removed;
        try
        {
            removed = await Assert.ThrowsAsync<CredentialException>(() => key.SignAsync(Data, CancellationToken.None));
        }
        finally
        {
            Directory.Move(pulled, _hsm.RemovableTokenDirectory);
        }

        Assert.Equal(CredentialErrorKind.SignerUnavailable, removed.Kind);
        Assert.Contains("is present", removed.Message, StringComparison.Ordinal);
        Assert.Contains(SoftHsmFixture.RemovableTokenLabel, removed.Message, StringComparison.Ordinal);
        Assert.True(removed.IsTransient);
        Assert.DoesNotContain("pin-value", removed.Message, StringComparison.Ordinal);
        var again = await Assert.ThrowsAsync<CredentialException>(() => key.SignAsync(Data, CancellationToken.None));
        Assert.Equal(CredentialErrorKind.SignerUnavailable, again.Kind);
        using var other = Source.OpenKey(_hsm.P256.KeyUri(), new KeySourceOptions());
        Assert.True(Pkcs11SigningKeyTests.Verify(_hsm.P256.Certificate, Data, await other.SignAsync(Data, CancellationToken.None)));
    }

    private static void CloseAllSessions(string tokenLabel)
    {
        // What a card reader does when the card is pulled: every session of the token is gone.
        var module = Pkcs11Module.Acquire(SoftHsmFixture.ModulePath);
        try
        {
            module.Library.GetSlotList(SlotsType.WithTokenPresent).Single(s => HasLabel(s, tokenLabel)).CloseAllSessions();
        }
        finally
        {
            module.Release();
        }
    }

    // The removal test leaves a SoftHSM slot that cannot be read any more.
    private static bool HasLabel(Net.Pkcs11Interop.HighLevelAPI.ISlot slot, string label)
    {
        try
        {
            return slot.GetTokenInfo().Label.TrimEnd() == label;
        }
        catch (Pkcs11Exception)
        {
            return false;
        }
    }
}
