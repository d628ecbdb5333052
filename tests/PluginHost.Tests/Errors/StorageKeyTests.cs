namespace PluginHost.Tests.Errors;

[TestClass]
public sealed class StorageKeyTests
{
    [TestMethod]
    [DataRow("", "empty")]
    [DataRow("a//b", "empty segment")]
    [DataRow("/a", "empty segment")]
    [DataRow("a/", "empty segment")]
    [DataRow("a/../b", "'..' segment")]
    [DataRow("./a", "'.' segment")]
    [DataRow("a\\b", "contains '\\'")]
    [DataRow("a\0b", "NUL")]
    public void Validate_BadKey_IsRefusedWithReason(string key, string reason)
    {
        var error = Assert.ThrowsExactly<PluginHostException>(() => StorageKey.Validate(key));
        Assert.AreEqual(ErrorCode.BadRequest, error.Code);
        StringAssert.Contains(error.Message, reason);
    }

    [TestMethod]
    public void Validate_OverLongKey_NamesTheLimit()
    {
        var error = Assert.ThrowsExactly<PluginHostException>(() => StorageKey.Validate(new string('k', StorageKey.MaxLength + 1)));
        StringAssert.Contains(error.Message, $"the limit is {StorageKey.MaxLength}");
    }

    [TestMethod]
    [DataRow("", "")]
    [DataRow("a", "a/")]
    [DataRow("a/b/", "a/b/")]
    public void NormalizePrefix_GivesFolderForm(string prefix, string expected) =>
        Assert.AreEqual(expected, StorageKey.NormalizePrefix(prefix));

    [TestMethod]
    public void NormalizePrefix_DotDot_IsRefused()
    {
        var error = Assert.ThrowsExactly<PluginHostException>(() => StorageKey.NormalizePrefix("a/../"));
        StringAssert.Contains(error.Message, "storage list prefix");
    }
}
