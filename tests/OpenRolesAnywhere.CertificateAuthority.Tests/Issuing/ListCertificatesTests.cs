using System.Security.Cryptography;
using OpenRolesAnywhere.CertificateAuthority.Tests.Support;
using OpenRolesAnywhere.Core;

namespace OpenRolesAnywhere.CertificateAuthority.Tests.Issuing;

public sealed class ListCertificatesTests : AdminHarnessTest
{
    [Fact]
    public async Task Run_Expiring30Days_ListsOnlyUnrevokedCertificatesEndingWithinIt()
    {
        await Harness.CreateCaWithProfileAsync();
        var soon = await IssueAsync(TimeSpan.FromDays(10));
        var later = await IssueAsync(TimeSpan.FromDays(60));
        var revoked = await IssueAsync(TimeSpan.FromDays(5));
        Harness.Admin().Revoke(revoked.Entry.SerialNumber, null);
        var list = new ListCertificates(Harness.Admin().Context);

        var expiring = list.Run(TimeSpan.FromDays(30));

        Assert.Equal([soon.Entry.SerialNumber], expiring.Select(e => e.SerialNumber));
        Assert.Equal(4, list.Run().Count);
        Assert.Contains(list.Run(TimeSpan.FromDays(90)), e => e.SerialNumber == later.Entry.SerialNumber);
    }

    [Fact]
    public async Task Run_ExpiringZero_InvalidInputNamingTheFlag()
    {
        await Harness.CreateCaWithProfileAsync();

        var error = Assert.Throws<CredentialException>(() => new ListCertificates(Harness.Admin().Context).Run(TimeSpan.Zero));

        Assert.Equal(CredentialErrorKind.InvalidInput, error.Kind);
        Assert.Contains("--expiring", error.Message, StringComparison.Ordinal);
    }

    private async Task<IssuedCertificate> IssueAsync(TimeSpan validity)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return await Harness.Admin().AcceptRequestAsync(AdminHarness.Request(AdminHarness.CsrPem(key), validity), CancellationToken.None);
    }
}
