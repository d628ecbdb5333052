using PluginHost.Catalog;

namespace PluginHost.Tests.Catalog;

[TestClass]
public sealed class PluginVersionTests
{
    [TestMethod]
    [DataRow("1.2.3", "v1.2.3")]
    [DataRow("v1.2.3", "v1.2.3")]
    [DataRow("V1.2.3", "v1.2.3")]
    [DataRow("1.2.3-rc.1+abc", "v1.2.3-rc.1+abc")]
    [DataRow(null, null)]
    [DataRow("", null)]
    public void Canonicalize_GivesLeadingV(string? version, string? expected) =>
        Assert.AreEqual(expected, PluginVersion.Canonicalize(version));

    [TestMethod]
    [DataRow(null, "v0.0.1", -1)]
    [DataRow("v1.9.0", "v1.10.0", -1)]
    [DataRow("v2.0.0-rc.1", "v2.0.0", -1)]
    [DataRow("v1.0.0", "v1.0.0", 0)]
    [DataRow("v1.0.0", "not-semver", -1)]
    public void Compare_OrdersUnversionedFirstThenSemantically(string? left, string right, int expected)
    {
        Assert.AreEqual(expected, Math.Sign(PluginVersion.Compare(left, right)));
        Assert.AreEqual(-expected, Math.Sign(PluginVersion.Compare(right, left)));
    }
}
