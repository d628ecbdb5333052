namespace PluginHost.CliTests;

[TestClass]
public sealed class PlaceholderTests
{
    [TestMethod]
    public void Placeholder() => Assert.IsTrue(true);
}
