using PluginHost.Storage;

namespace PluginHost.Tests.Storage;

[TestClass]
public sealed class StorageViewTests : StorageContractTests
{
    private readonly InMemoryStorage _inner = new();

    protected override IStorage CreateStorage() => new StorageView(_inner, "logical/u1/");

    [TestMethod]
    [DataRow("../x")]
    [DataRow("/x")]
    [DataRow("a//b")]
    [DataRow("..")]
    [DataRow("a/../../u2/x")]
    public async Task Put_KeyThatCouldEscapeTheView_IsRefused(string key)
    {
        var view = new StorageView(_inner, "logical/u1/");

        await AssertBadRequestAsync(async () => await view.PutAsync(new StorageEntry(key, Bytes("x"))));
        await AssertBadRequestAsync(async () => await view.GetAsync(key));
        await AssertBadRequestAsync(async () => await view.DeleteAsync(key));

        Assert.IsEmpty(await _inner.ListAsync(""));
    }

    [TestMethod]
    [DataRow("..")]
    [DataRow("../u2")]
    [DataRow("/")]
    public async Task List_PrefixThatCouldEscapeTheView_IsRefused(string prefix)
    {
        var view = new StorageView(_inner, "logical/u1/");
        await AssertBadRequestAsync(async () => await view.ListAsync(prefix));
    }

    [TestMethod]
    public async Task Put_WritesUnderThePrefixOfTheInnerStorage()
    {
        var view = new StorageView(_inner, "logical/u1");

        await view.PutAsync(new StorageEntry("foo", Bytes("bar")));

        Assert.AreEqual("bar", Text(await _inner.GetAsync("logical/u1/foo")));
        Assert.AreEqual("logical/u1/", view.Prefix);
    }

    [TestMethod]
    public async Task Views_WithDifferentPrefixes_DoNotSeeEachOthersKeys()
    {
        var one = new StorageView(_inner, "logical/u1/");
        var two = new StorageView(_inner, "logical/u2/");

        await one.PutAsync(new StorageEntry("secret", Bytes("one")));
        await two.PutAsync(new StorageEntry("other", Bytes("two")));

        Assert.IsNull(await two.GetAsync("secret"));
        CollectionAssert.AreEqual(new[] { "secret" }, (await one.ListAsync("")).ToArray());
        CollectionAssert.AreEqual(new[] { "other" }, (await two.ListAsync("")).ToArray());
    }

    [TestMethod]
    public async Task DeleteAll_RemovesEveryKeyOfTheViewAndNothingElse()
    {
        var one = new StorageView(_inner, "logical/u1/");
        var two = new StorageView(_inner, "logical/u1x/");
        foreach (var key in new[] { "a", "a/b", "a/b/c", "d/e/f", "g" })
        {
            await one.PutAsync(new StorageEntry(key, Bytes(key)));
        }

        await two.PutAsync(new StorageEntry("keep", Bytes("x")));
        await _inner.PutAsync(new StorageEntry("logical/u1", Bytes("sibling key")));
        await _inner.PutAsync(new StorageEntry("core/mounts", Bytes("table")));

        await one.DeleteAllAsync();

        Assert.IsEmpty(await one.ListAsync(""));
        Assert.IsEmpty(await _inner.ListAsync("logical/u1/"));
        Assert.AreEqual("x", Text(await two.GetAsync("keep")));
        Assert.AreEqual("sibling key", Text(await _inner.GetAsync("logical/u1")));
        Assert.AreEqual("table", Text(await _inner.GetAsync("core/mounts")));
    }

    [TestMethod]
    public async Task DeleteAll_OverFileStorage_LeavesNoFolders()
    {
        var directory = Path.Join(Path.GetTempPath(), "pluginhost-storage-tests", Guid.NewGuid().ToString("N"));
        try
        {
            using var files = new FileStorage(directory, TimeSpan.FromSeconds(1));
            var view = new StorageView(files, "logical/u1/");
            await view.PutAsync(new StorageEntry("a/b/c", Bytes("x")));
            await view.PutAsync(new StorageEntry("a", Bytes("x")));

            await view.DeleteAllAsync();

            Assert.IsEmpty(await files.ListAsync(""));
            Assert.IsFalse(Directory.Exists(Path.Join(directory, "logical")));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [TestMethod]
    [DataRow("")]
    [DataRow("../")]
    [DataRow("/logical")]
    [DataRow("logical//u1/")]
    public void Create_BadPrefix_IsRefused(string prefix)
    {
        var error = Assert.ThrowsExactly<PluginHostException>(() => new StorageView(_inner, prefix));
        Assert.AreEqual(ErrorCode.BadRequest, error.Code);
    }
}
