using System.Text;
using OpenRolesAnywhere.Core;
using OpenRolesAnywhere.Signers.Pkcs11.Uris;

namespace OpenRolesAnywhere.Signers.Pkcs11.Tests.Uris;

public sealed class Pkcs11UriTests
{
    [Fact]
    public void Parse_EmptyRfcExample_MatchesEverything()
    {
        var uri = Pkcs11Uri.Parse("pkcs11:");

        Assert.Null(uri.Token);
        Assert.Null(uri.ObjectLabel);
        Assert.Null(uri.Id);
        Assert.Equal("pkcs11:", uri.ToString());
    }

    [Fact]
    public void Parse_ObjectAndType_ReadsBoth()
    {
        var uri = Pkcs11Uri.Parse("pkcs11:object=my-pubkey;type=public");

        Assert.Equal("my-pubkey", uri.ObjectLabel);
        Assert.Equal("public", uri.Type);
    }

    [Fact]
    public void Parse_PinSourceInQuery_KeepsSlashesAndColons()
    {
        var uri = Pkcs11Uri.Parse("pkcs11:object=my-key;type=private?pin-source=file:/etc/token");

        Assert.Equal("file:/etc/token", uri.PinSource);
        Assert.Equal("private", uri.Type);
    }

    [Fact]
    public void Parse_RfcTokenExample_PercentDecodesTextAndId()
    {
        var uri = Pkcs11Uri.Parse(
            "pkcs11:token=The%20Software%20PKCS%2311%20Softtoken;manufacturer=Snake%20Oil,%20Inc.;model=1.0;object=my-certificate;type=cert;"
            + "id=%69%95%3E%5C%F4%BE%C8%97%8F%F0;serial=?pin-source=file:/etc/token_pin");

        Assert.Equal("The Software PKCS#11 Softtoken", uri.Token);
        Assert.Equal("Snake Oil, Inc.", uri.Manufacturer);
        Assert.Equal("1.0", uri.Model);
        Assert.Equal("my-certificate", uri.ObjectLabel);
        Assert.Equal("cert", uri.Type);
        Assert.Equal(Convert.FromHexString("69953E5CF4BEC8978FF0"), uri.Id);
        Assert.Equal(string.Empty, uri.Serial);
        Assert.Equal("file:/etc/token_pin", uri.PinSource);
    }

    [Fact]
    public void Parse_ModuleNameAndModulePath_AreQueryAttributes()
    {
        Assert.Equal("mypkcs11", Pkcs11Uri.Parse("pkcs11:object=my-sign-key;type=private?module-name=mypkcs11").ModuleName);
        Assert.Equal("/mnt/libmypkcs11.so.1", Pkcs11Uri.Parse("pkcs11:object=my-sign-key;type=private?module-path=/mnt/libmypkcs11.so.1").ModulePath);
    }

    [Fact]
    public void Parse_PinValue_ReadButNeverPrinted()
    {
        var uri = Pkcs11Uri.Parse("pkcs11:token=Software%20PKCS%2311%20softtoken;manufacturer=Snake%20Oil,%20Inc.?pin-value=the-pin");

        Assert.Equal("the-pin", uri.PinValue);
        Assert.DoesNotContain("the-pin", uri.ToString(), StringComparison.Ordinal);
        Assert.Equal("pkcs11:token=Software%20PKCS%2311%20softtoken;manufacturer=Snake%20Oil,%20Inc.", uri.ToString());
    }

    [Fact]
    public void Parse_SlotAndLibraryAttributes_ReadAll()
    {
        var slot = Pkcs11Uri.Parse("pkcs11:slot-description=Sun%20Metaslot;slot-manufacturer=Sun;slot-id=42");
        var library = Pkcs11Uri.Parse("pkcs11:library-manufacturer=Snake%20Oil,%20Inc.;library-description=Soft%20Token%20Library;library-version=1.23");

        Assert.Equal("Sun Metaslot", slot.SlotDescription);
        Assert.Equal("Sun", slot.SlotManufacturer);
        Assert.Equal(42UL, slot.SlotId);
        Assert.Equal("Snake Oil, Inc.", library.LibraryManufacturer);
        Assert.Equal("Soft Token Library", library.LibraryDescription);
        Assert.Equal("1.23", library.LibraryVersion);
    }

    [Fact]
    public void Parse_RfcExampleWithUtf8AndEscapedPercent_DecodesAsUtf8()
    {
        var uri = Pkcs11Uri.Parse("pkcs11:token=My%20token%25%20created%20by%20Joe;library-version=3;id=%01%02%03%Ba%dd%Ef%fe;object=%E2%82%AC?pin-source=file:/etc/p");
        var accented = Pkcs11Uri.Parse("pkcs11:token=Name%20with%20a%20small%20A%20with%20acute:%20%C3%A1;object=my-certificate;type=cert");
        var substring = Pkcs11Uri.Parse("pkcs11:token=A%20name%20with%20a%20substring%20%25%3B;object=my-certificate;type=cert");

        Assert.Equal("My token% created by Joe", uri.Token);
        Assert.Equal(new byte[] { 1, 2, 3, 0xba, 0xdd, 0xef, 0xfe }, uri.Id);
        Assert.Equal("€", uri.ObjectLabel);
        Assert.Equal("Name with a small A with acute: á", accented.Token);
        Assert.Equal("A name with a substring %;", substring.Token);
    }

    [Fact]
    public void Parse_UnknownQueryAttribute_IsIgnored()
    {
        var uri = Pkcs11Uri.Parse("pkcs11:token=my-token;object=my-certificate;type=cert?pin-source=file:/etc/token_pin&vendor-bbb=value-b");

        Assert.Equal("file:/etc/token_pin", uri.PinSource);
        Assert.Equal("my-token", uri.Token);
    }

    [Theory]
    [InlineData("pkcs11:token=my-token;object=my-certificate;type=cert;vendor-aaa=value-a", "vendor-aaa")]
    [InlineData("pkcs11:token=t;x-vendor=1", "x-vendor")]
    public void Parse_UnknownPathAttribute_RefusedAsMatchingNothing(string value, string attribute)
    {
        var e = Assert.Throws<CredentialException>(() => Pkcs11Uri.Parse(value));

        Assert.Equal(CredentialErrorKind.InvalidInput, e.Kind);
        Assert.Contains(attribute, e.Message, StringComparison.Ordinal);
        Assert.Contains("matches no object", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("file:/etc/key.pem", "does not start with")]
    [InlineData("pkcs11:token=a;token=b", "more than once")]
    [InlineData("pkcs11:id=%01;id=%02", "more than once")]
    [InlineData("pkcs11:type=secret", "type=secret")]
    [InlineData("pkcs11:slot-id=abc", "slot-id=abc")]
    [InlineData("pkcs11:slot-id=-1", "slot-id=-1")]
    [InlineData("pkcs11:library-version=1.2.3", "library-version")]
    [InlineData("pkcs11:object=a%2", "malformed percent-encoding")]
    [InlineData("pkcs11:object=a%zz", "malformed percent-encoding")]
    [InlineData("pkcs11:object=%C3%28", "not UTF-8")]
    [InlineData("pkcs11:object=a#frag", "fragment")]
    [InlineData("pkcs11:object", "name=value")]
    [InlineData("pkcs11:object=k?pin-value=1&pin-source=file:/p", "not both")]
    public void Parse_MalformedUri_SaysWhatIsWrong(string value, string expected)
    {
        var e = Assert.Throws<CredentialException>(() => Pkcs11Uri.Parse(value));

        Assert.Equal(CredentialErrorKind.InvalidInput, e.Kind);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.Contains("RFC 7512", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("pkcs11:object=k?pin-value=s3cr%zz")]
    [InlineData("pkcs11:object=k?pin-value=s3cr&pin-source=file:/p")]
    [InlineData("pkcs11:object=k;pin-value=s3cr")]
    [InlineData("pkcs11:object=k?module-path=/m.so&pin-value=s3cr&pin-value=s3cr")]
    [InlineData("pkcs11:object=k?pin-value=ab&s3cr")]
    [InlineData("pkcs11:object=k;pin-value=ab;s3cr")]
    public void Parse_InvalidUriWithPin_NeverShowsThePin(string value)
    {
        var e = Assert.Throws<CredentialException>(() => Pkcs11Uri.Parse(value));

        Assert.DoesNotContain("s3cr", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_AttributeNamesInUpperCase_Accepted()
    {
        Assert.Equal("k", Pkcs11Uri.Parse("pkcs11:OBJECT=k").ObjectLabel);
    }

    [Fact]
    public void Parse_LiteralUtf8InValue_KeptAsText()
    {
        Assert.Equal(Encoding.UTF8.GetBytes("ключ"), Encoding.UTF8.GetBytes(Pkcs11Uri.Parse("pkcs11:object=ключ").ObjectLabel!));
    }

    [Theory]
    [InlineData("pkcs11:object=k?pin-value=1234&module-path=/m.so", "pkcs11:object=k?module-path=/m.so")]
    [InlineData("pkcs11:object=k?module-path=/m.so&pin-value=1234", "pkcs11:object=k?module-path=/m.so")]
    [InlineData("pkcs11:object=k?pin-value=1234", "pkcs11:object=k")]
    public void Redact_PinValue_Removed(string value, string expected)
    {
        Assert.Equal(expected, Pkcs11Uri.Redact(value));
    }

    [Theory]
    [InlineData("pkcs11:object=k?module-path=/m.so&pin-value=1234", "pkcs11:object=k?module-path=/m.so")]
    [InlineData("pkcs11:object=k?pin-value=1234&module-path=/m.so", "pkcs11:object=k?module-path=/m.so")]
    [InlineData("pkcs11:object=k?pin-value=1234", "pkcs11:object=k")]
    [InlineData("pkcs11:object=k;pin-value=1234", "pkcs11:object=k")]
    [InlineData("pkcs11:object=k?pin-source=file:/p", "pkcs11:object=k?pin-source=file:/p")]
    [InlineData("pkcs11:object=k?pin-value=12&34&module-path=/m.so", "pkcs11:object=k?module-path=/m.so")]
    public void Redact_PinValueAnywhere_Removed(string uri, string expected)
    {
        Assert.Equal(expected, Pkcs11Uri.Redact(uri));
    }
}
