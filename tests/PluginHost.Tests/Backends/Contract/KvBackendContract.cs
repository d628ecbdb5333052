using System.Text;
using PluginHost.Backends;
using PluginHost.Storage;
using PluginHost.Tests.TestDoubles;
using static PluginHost.Tests.Backends.BackendTestContext;

namespace PluginHost.Tests.Backends.Contract;

/// <summary>
/// What KvBackend does, whichever way it runs: each subclass mounts the backend its own way (in-process, or through the
/// plugin protocol with <see cref="PluginHost.Sdk.PluginHarness"/>), so the same requests prove the same answers.
/// </summary>
public abstract class KvBackendContract
{
    private protected readonly InMemoryStorage _storage = new();

    private Task<IBackend> NewAsync(KvBackendOptions? options = null) =>
        MountAsync(new KvBackend(options ?? new KvBackendOptions()), _storage);

    /// <summary>Sets <paramref name="backend"/> up on <paramref name="storage"/> and answers the <see cref="IBackend"/> to send requests to.</summary>
    private protected abstract Task<IBackend> MountAsync(IBackend backend, IStorage storage);

    [TestMethod]
    public async Task Write_ThenRead_AnswersTheWrittenFields()
    {
        var kv = await NewAsync();

        var written = await kv.SendAsync(Operation.Create, "foo", ("bar", "baz"), ("n", 42));
        var read = await kv.SendAsync(Operation.Read, "foo");

        Assert.IsNull(written);
        Assert.AreEqual("baz", read.Field("bar"));
        Assert.AreEqual("42", read.Field("n"));
        Assert.AreEqual(2, read!.Data!.Count);
    }

    [TestMethod]
    public async Task Update_ReplacesAllFields()
    {
        var kv = await NewAsync();
        await kv.SendAsync(Operation.Create, "foo", ("a", "1"), ("b", "2"));

        await kv.SendAsync(Operation.Update, "foo", ("c", "3"));

        var read = await kv.SendAsync(Operation.Read, "foo");
        Assert.AreEqual("3", read.Field("c"));
        Assert.IsNull(read.Field("a"));
    }

    [TestMethod]
    public async Task Write_StoresAJsonObjectUnderThePath()
    {
        var kv = await NewAsync();
        await kv.SendAsync(Operation.Create, "a/b/c", ("k", "v"));

        var entry = await _storage.GetAsync("a/b/c");

        Assert.AreEqual("{\"k\":\"v\"}", Encoding.UTF8.GetString(entry!.Value));
    }

    [TestMethod]
    public async Task Read_Missing_AnswersNull()
    {
        var kv = await NewAsync();
        Assert.IsNull(await kv.SendAsync(Operation.Read, "nothing/here"));
    }

    [TestMethod]
    [DataRow(Operation.Create)]
    [DataRow(Operation.Update)]
    public async Task Write_WithoutData_IsRefusedWithVaultMessage(Operation operation)
    {
        var kv = await NewAsync();

        await BackendAssert.RefusedWithNothingStoredAsync(async () => await kv.SendAsync(operation, "foo"), "no data provided", _storage);
    }

    [TestMethod]
    public async Task Write_WithEmptyData_IsRefused()
    {
        var kv = await NewAsync();
        var request = new BackendRequest { Operation = Operation.Update, Path = "foo", Data = new Dictionary<string, System.Text.Json.JsonElement>() };

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await kv.HandleRequestAsync(request, CancellationToken.None));

        Assert.AreEqual("no data provided", error.Message);
    }

    [TestMethod]
    public async Task Write_EchoWritesOn_AnswersTheWrittenData()
    {
        var kv = await NewAsync(new KvBackendOptions { EchoWrites = true });

        var response = await kv.SendAsync(Operation.Update, "foo", ("bar", "baz"));

        Assert.AreEqual("baz", response.Field("bar"));
        Assert.AreEqual(1, response!.Data!.Count);
    }

    [TestMethod]
    public async Task Write_NestedJsonValues_RoundTrip()
    {
        var kv = await NewAsync(new KvBackendOptions { EchoWrites = true });

        var echoed = await kv.SendAsync(Operation.Update, "foo", ("list", new[] { 1, 2 }), ("map", new Dictionary<string, bool> { ["on"] = true }), ("none", null));
        var read = await kv.SendAsync(Operation.Read, "foo");

        foreach (var response in new[] { echoed, read })
        {
            Assert.AreEqual("[1,2]", response.Field("list"));
            Assert.AreEqual("{\"on\":true}", response.Field("map"));
            Assert.AreEqual("null", response.Field("none"));
        }
    }

    [TestMethod]
    public async Task Delete_RemovesTheKey_AndMissingIsFine()
    {
        var kv = await NewAsync();
        await kv.SendAsync(Operation.Create, "foo", ("bar", "baz"));

        Assert.IsNull(await kv.SendAsync(Operation.Delete, "foo"));
        Assert.IsNull(await kv.SendAsync(Operation.Delete, "foo"));

        Assert.IsNull(await kv.SendAsync(Operation.Read, "foo"));
        Assert.IsEmpty(await _storage.AllKeysAsync());
    }

    [TestMethod]
    public async Task NestedKeys_AreStoredAndReadIndependently()
    {
        var kv = await NewAsync();
        await kv.SendAsync(Operation.Create, "a", ("v", "a"));
        await kv.SendAsync(Operation.Create, "a/b", ("v", "ab"));
        await kv.SendAsync(Operation.Create, "a/b/c", ("v", "abc"));

        Assert.AreEqual("a", (await kv.SendAsync(Operation.Read, "a")).Field("v"));
        Assert.AreEqual("ab", (await kv.SendAsync(Operation.Read, "a/b")).Field("v"));
        Assert.AreEqual("abc", (await kv.SendAsync(Operation.Read, "a/b/c")).Field("v"));
    }

    [TestMethod]
    public async Task List_Root_AnswersKeysAndFoldersOnceSorted()
    {
        var kv = await NewAsync();
        await kv.SendAsync(Operation.Create, "b", ("v", "1"));
        await kv.SendAsync(Operation.Create, "a/x", ("v", "1"));
        await kv.SendAsync(Operation.Create, "a/y/z", ("v", "1"));
        await kv.SendAsync(Operation.Create, "a", ("v", "1"));

        var response = await kv.SendAsync(Operation.List, "");

        CollectionAssert.AreEqual(new[] { "a", "a/", "b" }, response!.GetListKeys().ToArray());
    }

    [TestMethod]
    [DataRow("a/")]
    [DataRow("a")]
    public async Task List_Nested_AnswersDirectChildren(string path)
    {
        var kv = await NewAsync();
        await kv.SendAsync(Operation.Create, "a/x", ("v", "1"));
        await kv.SendAsync(Operation.Create, "a/y/z", ("v", "1"));
        await kv.SendAsync(Operation.Create, "a/y/w", ("v", "1"));

        var response = await kv.SendAsync(Operation.List, path);

        CollectionAssert.AreEqual(new[] { "x", "y/" }, response!.GetListKeys().ToArray());
    }

    [TestMethod]
    [DataRow("")]
    [DataRow("empty/")]
    public async Task List_Nothing_AnswersNull(string path)
    {
        var kv = await NewAsync();
        Assert.IsNull(await kv.SendAsync(Operation.List, path));
    }

    [TestMethod]
    [DataRow(Operation.Read)]
    [DataRow(Operation.Update)]
    [DataRow(Operation.Delete)]
    public async Task KeyWithDotDot_IsRefused(Operation operation)
    {
        var kv = await NewAsync();

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await kv.SendAsync(operation, "a/../b", ("v", "1")));

        Assert.AreEqual(ErrorCode.BadRequest, error.Code);
        StringAssert.Contains(error.Message, "'..' segment");
        Assert.IsEmpty(await _storage.AllKeysAsync());
    }

    [TestMethod]
    public async Task List_WithDotDot_IsRefused()
    {
        var kv = await NewAsync();

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await kv.SendAsync(Operation.List, "a/../"));

        Assert.AreEqual(ErrorCode.BadRequest, error.Code);
    }

    [TestMethod]
    [DataRow(Operation.Read, "read")]
    [DataRow(Operation.Update, "write")]
    [DataRow(Operation.Delete, "delete")]
    public async Task TrailingSlash_IsRefusedAsAFolder(Operation operation, string verb)
    {
        var kv = await NewAsync();

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await kv.SendAsync(operation, "a/", ("v", "1")));

        Assert.AreEqual(ErrorCode.BadRequest, error.Code);
        Assert.AreEqual($"path 'a/' ends with '/', which names a folder: list it, or {verb} a key without the trailing '/'", error.Message);
    }

    [TestMethod]
    public async Task Read_EmptyPath_AsksForAKey()
    {
        var kv = await NewAsync();

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await kv.SendAsync(Operation.Read, ""));

        Assert.AreEqual(ErrorCode.BadRequest, error.Code);
        StringAssert.StartsWith(error.Message, "missing key: read a key such as 'my-secret'");
    }

    [TestMethod]
    public async Task PathPrefix_ServesKeysBelowIt()
    {
        var kv = await NewAsync(new KvBackendOptions { PathPrefix = "kv/", EchoWrites = true });

        var written = await kv.SendAsync(Operation.Update, "kv/foo", ("bar", "baz"));
        var read = await kv.SendAsync(Operation.Read, "kv/foo");
        var list = await kv.SendAsync(Operation.List, "kv/");

        Assert.AreEqual("baz", written.Field("bar"));
        Assert.AreEqual("baz", read.Field("bar"));
        CollectionAssert.AreEqual(new[] { "foo" }, list!.GetListKeys().ToArray());
        CollectionAssert.AreEqual(new[] { "kv/foo" }, (await _storage.AllKeysAsync()).ToArray());
    }

    [TestMethod]
    [DataRow("foo")]
    [DataRow("kv")]
    [DataRow("")]
    [DataRow("other/kv/foo")]
    public async Task PathPrefix_PathOutsideIt_IsUnsupportedPath(string path)
    {
        var kv = await NewAsync(new KvBackendOptions { PathPrefix = "kv/" });

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await kv.SendAsync(Operation.Read, path));

        Assert.AreEqual(ErrorCode.NotFound, error.Code);
        Assert.AreEqual($"unsupported path: {path}", error.Message);
    }

    [TestMethod]
    public async Task ExistenceCheck_TellsWhetherTheKeyExists()
    {
        var kv = await NewAsync();
        await kv.SendAsync(Operation.Create, "foo", ("bar", "baz"));

        Assert.IsTrue(await kv.ExistenceCheckAsync(Request(Operation.Update, "foo"), CancellationToken.None));
        Assert.IsFalse(await kv.ExistenceCheckAsync(Request(Operation.Update, "other"), CancellationToken.None));
    }

    [TestMethod]
    [DataRow("")]
    [DataRow("foo")]
    public async Task Help_AnswersHelpText(string path)
    {
        var kv = await NewAsync();

        var response = await kv.SendAsync(Operation.Help, path);

        StringAssert.Contains(response.Field("help"), "Pass-through secret storage");
    }

    [TestMethod]
    public async Task CorruptStoredJson_IsAnInternalErrorNamingTheKey()
    {
        var kv = await NewAsync();
        await _storage.PutAsync(new StorageEntry("broken", Encoding.UTF8.GetBytes("{not json")));

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await kv.SendAsync(Operation.Read, "broken"));

        Assert.AreEqual(ErrorCode.Internal, error.Code);
        StringAssert.Contains(error.Message, "'broken'");
    }

    [TestMethod]
    [DataRow("[1,2]")]
    [DataRow("null")]
    public async Task StoredJsonThatIsNotAnObject_IsAnInternalError(string json)
    {
        var kv = await NewAsync();
        await _storage.PutAsync(new StorageEntry("odd", Encoding.UTF8.GetBytes(json)));

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await kv.SendAsync(Operation.Read, "odd"));

        Assert.AreEqual(ErrorCode.Internal, error.Code);
        StringAssert.Contains(error.Message, "'odd'");
    }

    [TestMethod]
    public async Task CleanupAndInvalidate_AreHarmless()
    {
        var kv = await NewAsync();
        await kv.SendAsync(Operation.Create, "foo", ("bar", "baz"));

        await kv.InvalidateKeyAsync("foo", CancellationToken.None);
        Assert.AreEqual("baz", (await kv.SendAsync(Operation.Read, "foo")).Field("bar"));
        await kv.CleanupAsync(CancellationToken.None);
    }
}
