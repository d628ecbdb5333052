using PluginHost.Catalog;

namespace PluginHost.Tests.Catalog;

[TestClass]
public sealed class PluginCommandResolverTests
{
    [TestMethod]
    [DataRow("/plugins/a", "/plugins", true)]
    [DataRow("/plugins/sub/a", "/plugins/", true)]
    [DataRow("/plugins-evil/a", "/plugins", false)]
    [DataRow("/plugins", "/plugins", false)]
    [DataRow("/other/a", "/plugins", false)]
    public void IsInside_UsesTrailingSeparator(string path, string directory, bool expected)
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Inconclusive("Unix paths");
        }

        Assert.AreEqual(expected, PluginCommandResolver.IsInside(path, directory));
    }

    [TestMethod]
    [DataRow("plugin", null)]
    [DataRow("sub/plugin", null)]
    [DataRow("/plugin", "must be relative")]
    [DataRow("\\plugin", "must be relative")]
    [DataRow("a/../b", "'..' segments")]
    [DataRow("a\0b", "NUL")]
    public void ValidateShape_ChecksFormOnly(string command, string? reason)
    {
        if (reason is null)
        {
            PluginCommandResolver.ValidateShape(command);
            return;
        }

        var error = Assert.ThrowsExactly<PluginHostException>(() => PluginCommandResolver.ValidateShape(command));
        StringAssert.Contains(error.Message, reason);
    }

    [TestMethod]
    public void RealPath_SymlinkLoop_IsRefused()
    {
        var root = Path.Combine(Path.GetTempPath(), "pluginhost-loop-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        try
        {
            File.CreateSymbolicLink(Path.Combine(root, "a"), Path.Combine(root, "b"));
            File.CreateSymbolicLink(Path.Combine(root, "b"), Path.Combine(root, "a"));

            var error = Assert.ThrowsExactly<PluginHostException>(() => PluginCommandResolver.RealPath(Path.Combine(root, "a")));

            StringAssert.Contains(error.Message, "symbolic link");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
