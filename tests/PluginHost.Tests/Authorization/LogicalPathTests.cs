using PluginHost.Routing;

namespace PluginHost.Tests.Authorization;

[TestClass]
public sealed class LogicalPathTests
{
    [TestMethod]
    [DataRow("secret/foo", "secret/foo")]
    [DataRow("/sys/mounts", "sys/mounts")]
    [DataRow("///sys/plugins/catalog", "sys/plugins/catalog")]
    [DataRow("sys//mounts//x", "sys/mounts/x")]
    [DataRow("secret/folder/", "secret/folder/")]
    [DataRow("//secret//folder//", "secret/folder/")]
    [DataRow("a+b/c*", "a+b/c*")]
    public void Normalize_CollapsesSlashes_AndKeepsAFoldersTrailingSlash(string given, string expected) =>
        Assert.AreEqual(expected, LogicalPath.Normalize(given));

    [TestMethod]
    public void Normalize_ReturnsTheSameString_WhenAlreadyNormal()
    {
        var path = "secret/foo/bar";

        Assert.AreSame(path, LogicalPath.Normalize(path));
    }

    [TestMethod]
    [DataRow("secret/../sys/mounts", "parent references")]
    [DataRow("./sys/mounts", "parent references")]
    [DataRow("secret/.", "parent references")]
    [DataRow("/..//sys", "parent references")]
    [DataRow("secret/a\nb", "control characters")]
    [DataRow("", "empty")]
    [DataRow("///", "empty")]
    public void Normalize_RefusesWhatCannotBeAuthorizedAsWritten(string given, string error)
    {
        var refused = Assert.ThrowsExactly<PluginHostException>(() => LogicalPath.Normalize(given));

        Assert.AreEqual(ErrorCode.BadRequest, refused.Code);
        StringAssert.Contains(refused.Message, error);
    }
}
