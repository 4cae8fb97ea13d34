using System.Xml.Linq;
using Net.Pkcs11Interop.LowLevelAPI80;
using OpenRolesAnywhere.TestCommon;

namespace OpenRolesAnywhere.Cli.Tests;

/// <summary>What the native executable's build is told about libraries that marshal by reflection.</summary>
public sealed class NativeBuildTests
{
    /// <summary>
    /// A Pkcs11Interop upgrade that adds a struct or delegate must regenerate the rd.xml
    /// (<c>dotnet run build/GeneratePkcs11RdXml.cs</c>), or that PKCS#11 call would fail only in the native build.
    /// </summary>
    [Fact]
    public void Pkcs11RdXml_EveryLowLevelApi80StructAndDelegate_HasMarshallingData()
    {
        var document = XDocument.Load(Path.Combine(ProcessRunner.RepositoryRoot(), "src", "OpenRolesAnywhere.Cli", "Pkcs11Interop.rd.xml"));
        var listed = document.Descendants().Where(e => e.Name.LocalName == "Type")
            .ToDictionary(e => e.Attribute("Name")!.Value, e => e.Attributes().Single(a => a.Name != "Name"));
        var marshalled = typeof(CK_ATTRIBUTE).Assembly.GetTypes()
            .Where(t => t.Namespace?.StartsWith("Net.Pkcs11Interop.LowLevelAPI80", StringComparison.Ordinal) == true)
            .Where(t => (t.IsValueType && !t.IsEnum) || t.IsSubclassOf(typeof(MulticastDelegate)))
            .ToList();

        Assert.Contains(marshalled, t => t.Namespace!.EndsWith(".MechanismParams", StringComparison.Ordinal));
        Assert.All(marshalled, type =>
        {
            Assert.True(listed.TryGetValue(type.FullName!, out var directive), type.FullName + " is not in the rd.xml");
            Assert.Equal(type.IsValueType ? "MarshalStructure" : "MarshalDelegate", directive.Name.LocalName);
            Assert.Equal("Required All", directive.Value);
        });
        Assert.All(new[] { typeof(ulong), typeof(uint), typeof(long), typeof(IntPtr), typeof(UIntPtr), typeof(byte) },
            primitive => Assert.Equal("Required All", listed[primitive.FullName!].Value));
    }
}
