using System.Text;

namespace PluginHost.Tests.Storage;

/// <summary>The behaviour every <see cref="IStorage"/> must have; each implementation runs it through a subclass.</summary>
public abstract class StorageContractTests
{
    protected abstract IStorage CreateStorage();

    protected static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    protected static string Text(StorageEntry? entry) => entry is null ? "<missing>" : Encoding.UTF8.GetString(entry.Value);

    [TestMethod]
    public async Task Get_MissingKey_ReturnsNull()
    {
        var storage = CreateStorage();
        Assert.IsNull(await storage.GetAsync("nothing/here"));
    }

    [TestMethod]
    public async Task Put_ThenGet_ReturnsTheValueUnderTheSameKey()
    {
        var storage = CreateStorage();
        await storage.PutAsync(new StorageEntry("config/main", Bytes("hello")));

        var entry = await storage.GetAsync("config/main");

        Assert.IsNotNull(entry);
        Assert.AreEqual("config/main", entry.Key);
        Assert.AreEqual("hello", Text(entry));
    }

    [TestMethod]
    public async Task Put_EmptyValue_RoundTrips()
    {
        var storage = CreateStorage();
        await storage.PutAsync(new StorageEntry("empty", []));

        var entry = await storage.GetAsync("empty");

        Assert.IsNotNull(entry);
        Assert.IsEmpty(entry.Value);
    }

    [TestMethod]
    public async Task Put_ExistingKey_ReplacesTheValue()
    {
        var storage = CreateStorage();
        await storage.PutAsync(new StorageEntry("k", Bytes("a long first value")));
        await storage.PutAsync(new StorageEntry("k", Bytes("second")));

        Assert.AreEqual("second", Text(await storage.GetAsync("k")));
    }

    [TestMethod]
    public async Task Delete_ExistingKey_RemovesIt()
    {
        var storage = CreateStorage();
        await storage.PutAsync(new StorageEntry("a/b", Bytes("x")));

        await storage.DeleteAsync("a/b");

        Assert.IsNull(await storage.GetAsync("a/b"));
        Assert.IsEmpty(await storage.ListAsync(""));
    }

    [TestMethod]
    public async Task Delete_MissingKey_Succeeds()
    {
        var storage = CreateStorage();
        await storage.DeleteAsync("never/written");
        await storage.DeleteAsync("k");
    }

    [TestMethod]
    public async Task Delete_KeyWithSameNameAsFolder_KeepsTheFolder()
    {
        var storage = CreateStorage();
        await storage.PutAsync(new StorageEntry("a", Bytes("key")));
        await storage.PutAsync(new StorageEntry("a/b", Bytes("child")));

        await storage.DeleteAsync("a");

        CollectionAssert.AreEqual(new[] { "a/" }, (await storage.ListAsync("")).ToArray());
        Assert.AreEqual("child", Text(await storage.GetAsync("a/b")));
    }

    [TestMethod]
    public async Task List_Root_ShowsDirectChildrenSortedWithFoldersOnce()
    {
        var storage = CreateStorage();
        foreach (var key in new[] { "zeta", "b/1", "b/2", "b/deep/3", "a", "c-d", "B" })
        {
            await storage.PutAsync(new StorageEntry(key, Bytes(key)));
        }

        var names = await storage.ListAsync("");

        CollectionAssert.AreEqual(new[] { "B", "a", "b/", "c-d", "zeta" }, names.ToArray());
    }

    [TestMethod]
    [DataRow("b")]
    [DataRow("b/")]
    public async Task List_NestedFolder_ShowsNamesRelativeToIt(string prefix)
    {
        var storage = CreateStorage();
        foreach (var key in new[] { "b/2", "b/1", "b/deep/3", "b/deep/4", "bb/5", "c" })
        {
            await storage.PutAsync(new StorageEntry(key, Bytes(key)));
        }

        var names = await storage.ListAsync(prefix);

        CollectionAssert.AreEqual(new[] { "1", "2", "deep/" }, names.ToArray());
    }

    [TestMethod]
    public async Task List_KeyAndFolderWithTheSameName_BothAppear()
    {
        var storage = CreateStorage();
        await storage.PutAsync(new StorageEntry("x/y", Bytes("leaf")));
        await storage.PutAsync(new StorageEntry("x/y/z", Bytes("nested")));

        CollectionAssert.AreEqual(new[] { "y", "y/" }, (await storage.ListAsync("x")).ToArray());
        Assert.AreEqual("leaf", Text(await storage.GetAsync("x/y")));
        Assert.AreEqual("nested", Text(await storage.GetAsync("x/y/z")));
    }

    [TestMethod]
    public async Task List_NamesStartingWithMarkerCharacters_RoundTrip()
    {
        // '_', '.' and '~' are what a file layout might use for its own files; they must still be ordinary keys.
        var storage = CreateStorage();
        var keys = new[] { "_a", "_a/b", ".lock", ".lock/c", "~t/d", ".tmp-x/e", "__", "~" };
        foreach (var key in keys)
        {
            await storage.PutAsync(new StorageEntry(key, Bytes(key)));
        }

        CollectionAssert.AreEqual(new[] { ".lock", ".lock/", ".tmp-x/", "__", "_a", "_a/", "~", "~t/" }, (await storage.ListAsync("")).ToArray());
        foreach (var key in keys)
        {
            Assert.AreEqual(key, Text(await storage.GetAsync(key)));
        }
    }

    [TestMethod]
    public async Task List_MissingPrefix_IsEmpty()
    {
        var storage = CreateStorage();
        await storage.PutAsync(new StorageEntry("a/b", Bytes("x")));

        Assert.IsEmpty(await storage.ListAsync("nope"));
        Assert.IsEmpty(await storage.ListAsync("a/b/c/"));
    }

    [TestMethod]
    public async Task List_FolderEmptiedByDeletes_Disappears()
    {
        var storage = CreateStorage();
        await storage.PutAsync(new StorageEntry("f/g/h", Bytes("x")));
        await storage.PutAsync(new StorageEntry("k", Bytes("x")));

        await storage.DeleteAsync("f/g/h");

        CollectionAssert.AreEqual(new[] { "k" }, (await storage.ListAsync("")).ToArray());
        Assert.IsEmpty(await storage.ListAsync("f/"));
    }

    [TestMethod]
    [DataRow("")]
    [DataRow("a//b")]
    [DataRow("/a")]
    [DataRow("a/")]
    [DataRow("a/../b")]
    [DataRow("..")]
    [DataRow("./a")]
    [DataRow("a\\b")]
    [DataRow("a\0b")]
    public async Task Operations_InvalidKey_AreRefusedAsBadRequest(string key)
    {
        var storage = CreateStorage();

        await AssertBadRequestAsync(async () => await storage.GetAsync(key));
        await AssertBadRequestAsync(async () => await storage.PutAsync(new StorageEntry(key, Bytes("x"))));
        await AssertBadRequestAsync(async () => await storage.DeleteAsync(key));
    }

    [TestMethod]
    public async Task Operations_OverLongKey_AreRefusedAsBadRequest()
    {
        var storage = CreateStorage();
        var key = string.Join('/', Enumerable.Repeat("segment", 200))[..(StorageKey.MaxLength + 1)];

        await AssertBadRequestAsync(async () => await storage.GetAsync(key));
        await AssertBadRequestAsync(async () => await storage.PutAsync(new StorageEntry(key, Bytes("x"))));
        await AssertBadRequestAsync(async () => await storage.DeleteAsync(key));
    }

    [TestMethod]
    [DataRow("a//")]
    [DataRow("../")]
    [DataRow("/a")]
    public async Task List_InvalidPrefix_IsRefusedAsBadRequest(string prefix)
    {
        var storage = CreateStorage();
        await AssertBadRequestAsync(async () => await storage.ListAsync(prefix));
    }

    [TestMethod]
    public async Task Put_CallerChangesItsArrayAfterwards_StoredValueIsUnchanged()
    {
        var storage = CreateStorage();
        var value = Bytes("original");
        await storage.PutAsync(new StorageEntry("k", value));

        value[0] = (byte)'X';

        Assert.AreEqual("original", Text(await storage.GetAsync("k")));
    }

    [TestMethod]
    public async Task Get_CallerChangesTheReturnedArray_StoredValueIsUnchanged()
    {
        var storage = CreateStorage();
        await storage.PutAsync(new StorageEntry("k", Bytes("original")));

        (await storage.GetAsync("k"))!.Value[0] = (byte)'X';

        Assert.AreEqual("original", Text(await storage.GetAsync("k")));
    }

    [TestMethod]
    public async Task Operations_CanceledToken_AreCanceledBeforeTheyStart()
    {
        var storage = CreateStorage();
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        await Assert.ThrowsAsync<OperationCanceledException>(async () => await storage.PutAsync(new StorageEntry("k", Bytes("x")), cancellation.Token));

        Assert.IsNull(await storage.GetAsync("k"));
    }

    [TestMethod]
    public async Task PutAndDelete_FromManyTasks_LeaveAConsistentState()
    {
        var storage = CreateStorage();
        const int Tasks = 8;
        const int KeysPerTask = 12;

        // Each task writes its own keys and deletes the odd ones; all tasks also fight over one shared key and
        // over one folder that is created and emptied again and again.
        await Task.WhenAll(Enumerable.Range(0, Tasks).Select(t => Task.Run(async () =>
        {
            for (var i = 0; i < KeysPerTask; i++)
            {
                await storage.PutAsync(new StorageEntry($"c/{t}/{i}", Bytes($"{t}-{i}")));
                await storage.PutAsync(new StorageEntry("shared/key", Bytes($"{t}-{i}")));
                await storage.PutAsync(new StorageEntry($"churn/{t}/x", Bytes("x")));
                await storage.DeleteAsync($"churn/{t}/x");
                if (i % 2 == 1)
                {
                    await storage.DeleteAsync($"c/{t}/{i}");
                }
            }
        })));

        for (var t = 0; t < Tasks; t++)
        {
            var expected = Enumerable.Range(0, KeysPerTask).Where(i => i % 2 == 0).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).Order(StringComparer.Ordinal).ToArray();
            CollectionAssert.AreEqual(expected, (await storage.ListAsync($"c/{t}")).ToArray());
            foreach (var i in expected)
            {
                Assert.AreEqual($"{t}-{i}", Text(await storage.GetAsync($"c/{t}/{i}")));
            }
        }

        StringAssert.Matches(Text(await storage.GetAsync("shared/key")), new System.Text.RegularExpressions.Regex(@"^\d+-\d+$"));
        Assert.IsEmpty(await storage.ListAsync("churn"));
        CollectionAssert.AreEqual(new[] { "c/", "shared/" }, (await storage.ListAsync("")).ToArray());
    }

    protected static async Task AssertBadRequestAsync(Func<Task> action)
    {
        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(action);
        Assert.AreEqual(ErrorCode.BadRequest, error.Code);
    }
}
