using OpenRolesAnywhere.Core.SigV4;

namespace OpenRolesAnywhere.Core.Tests.SigV4;

/// <summary>Every case of AWS's official SigV4 suite, compared byte for byte at each step.</summary>
public sealed class AwsTestSuiteTests
{
    public static TheoryData<string> Cases() => new(AwsTestSuiteCase.Names());

    [Fact]
    public void Suite_IsPresent_HasAllCases()
    {
        Assert.True(AwsTestSuiteCase.Names().Count() >= 35, $"expected the whole suite under {AwsTestSuiteCase.Root}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void HeaderSigning_OfficialCase_MatchesEveryStep(string name)
    {
        var testCase = AwsTestSuiteCase.Load(name);
        var (request, _) = testCase.ParseRequest();
        if (testCase.SignBody)
        {
            request.AddHeader("X-Amz-Content-Sha256", request.PayloadHash);
        }

        var signature = HmacSigner.SignHeaders(request, testCase.Credentials, testCase.Scope, testCase.Normalize, testCase.OmitSessionToken);

        Assert.Equal(testCase.Expected("header-canonical-request.txt"), signature.CanonicalRequest.Text);
        Assert.Equal(testCase.Expected("header-string-to-sign.txt"), signature.StringToSign);
        Assert.Equal(testCase.Expected("header-signature.txt"), signature.Signature);
        Assert.Contains($"Authorization:{signature.AuthorizationHeader}", testCase.Expected("header-signed-request.txt"), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void QuerySigning_OfficialCase_MatchesEveryStep(string name)
    {
        var testCase = AwsTestSuiteCase.Load(name);
        var (request, _) = testCase.ParseRequest();

        var signature = HmacSigner.PresignQuery(request, testCase.Credentials, testCase.Scope, TimeSpan.FromHours(1), testCase.Normalize, testCase.OmitSessionToken);

        Assert.Equal(testCase.Expected("query-canonical-request.txt"), signature.CanonicalRequest.Text);
        Assert.Equal(testCase.Expected("query-string-to-sign.txt"), signature.StringToSign);
        Assert.Equal(testCase.Expected("query-signature.txt"), signature.Signature);
        Assert.Contains($"X-Amz-Signature={signature.Signature}", testCase.Expected("query-signed-request.txt"), StringComparison.Ordinal);
    }
}
