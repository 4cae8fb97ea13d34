using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using OpenRolesAnywhere.TestCommon;

namespace OpenRolesAnywhere.CertificateAuthority.Tests.Support;

/// <summary>Two independent judges of what the CA makes: .NET's X509Chain with a custom root, and openssl.</summary>
internal static class Verification
{
    public static X509ChainStatusFlags ChainStatus(X509Certificate2 certificate, X509Certificate2 root)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(root);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.NoFlag;
        var built = chain.Build(certificate);
        var flags = chain.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (all, s) => all | s.Status);
        Assert.True(built || flags != X509ChainStatusFlags.NoError, "X509Chain failed without saying why");
        return built ? X509ChainStatusFlags.NoError : flags;
    }

    public static (int ExitCode, string Output) Openssl(params string[] arguments)
    {
        var start = new ProcessStartInfo("openssl") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(30_000), "openssl did not finish in 30 s");
        return (process.ExitCode, output.Result + error.Result);
    }

    public static string WritePem(TempDirectory directory, string name, string pem)
    {
        var path = directory.File(name);
        File.WriteAllText(path, pem);
        return path;
    }
}
