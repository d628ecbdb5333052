using System.Text.Json;
using PluginHost.Backends;
using PluginHost.Storage;
using PluginHost.Tests.TestDoubles;
using static PluginHost.Tests.Backends.BackendTestContext;

namespace PluginHost.Tests.Backends;

/// <summary>kv version 2 in-process: versions, check-and-set, soft delete, destroy, metadata, config, subkeys, patch, and Vault's texts.</summary>
[TestClass]
public sealed class VersionedKvBackendTests
{
    private readonly InMemoryStorage _storage = new();
    private readonly ManualTime _time = new();

    private Task<VersionedKvBackend> KvAsync() => SetUpAsync(new VersionedKvBackend(_time), _storage);

    private static (string Name, object? Value) Secret(params (string Key, object Value)[] values) =>
        ("data", values.ToDictionary(v => v.Key, v => v.Value));

    private static JsonElement Get(BackendResponse? response, params string[] path)
    {
        Assert.IsNotNull(response?.Data);
        var element = response.Data[path[0]];
        foreach (var name in path.Skip(1))
        {
            element = element.GetProperty(name);
        }

        return element;
    }

    [TestMethod]
    public async Task Write_KeepsVersions_AndReadAnswersDataAndMetadata_OfAnyVersion()
    {
        var kv = await KvAsync();

        var first = await kv.SendAsync(Operation.Create, "data/app/db", Secret(("password", "one")));
        _time.Advance(TimeSpan.FromSeconds(5));
        var second = await kv.SendAsync(Operation.Update, "data/app/db", Secret(("password", "two"), ("user", "app")));

        Assert.AreEqual("1", first.Field("version"));
        Assert.AreEqual("2", second.Field("version"));
        Assert.AreEqual("2026-01-01T00:00:05Z", second.Field("created_time"));
        Assert.AreEqual("", second.Field("deletion_time"));
        Assert.AreEqual("false", second.Field("destroyed"));
        Assert.AreEqual("null", second.Field("custom_metadata"));

        var latest = await kv.SendAsync(Operation.Read, "data/app/db");
        Assert.AreEqual("""{"password":"two","user":"app"}""", Get(latest, "data").GetRawText());
        Assert.AreEqual(2, Get(latest, "metadata", "version").GetInt64());
        Assert.IsNull(latest!.StatusCode);

        var old = await kv.SendAsync(Operation.Read, "data/app/db", ("version", 1));
        Assert.AreEqual("""{"password":"one"}""", Get(old, "data").GetRawText());
        Assert.AreEqual("2026-01-01T00:00:00Z", Get(old, "metadata", "created_time").GetString());

        Assert.IsNull(await kv.SendAsync(Operation.Read, "data/app/db", ("version", 3)), "a version never written is a plain 404");
        Assert.IsNull(await kv.SendAsync(Operation.Read, "data/nothing"));
    }

    [TestMethod]
    public async Task CheckAndSet_MustMatchTheCurrentVersion_AndZeroMeansOnlyANewKey()
    {
        var kv = await KvAsync();

        await kv.SendAsync(Operation.Create, "data/k", Secret(("a", "1")), ("options", new { cas = 0 }));
        var again = await Assert.ThrowsExactlyAsync<PluginHostException>(async () =>
            await kv.SendAsync(Operation.Update, "data/k", Secret(("a", "2")), ("options", new { cas = 0 })));
        var stale = await Assert.ThrowsExactlyAsync<PluginHostException>(async () =>
            await kv.SendAsync(Operation.Update, "data/k", Secret(("a", "2")), ("options", new { cas = 5 })));
        var garbage = await Assert.ThrowsExactlyAsync<PluginHostException>(async () =>
            await kv.SendAsync(Operation.Update, "data/k", Secret(("a", "2")), ("options", new { cas = "x" })));
        var written = await kv.SendAsync(Operation.Update, "data/k", Secret(("a", "2")), ("options", new { cas = "1" }));

        Assert.AreEqual("check-and-set parameter did not match the current version", again.Message);
        Assert.AreEqual("check-and-set parameter did not match the current version", stale.Message);
        Assert.AreEqual("error parsing check-and-set parameter", garbage.Message);
        Assert.AreEqual(ErrorCode.BadRequest, stale.Code);
        Assert.AreEqual("2", written.Field("version"));
    }

    [TestMethod]
    public async Task CasRequired_OnTheMountOrTheKey_RefusesAWriteWithoutCas()
    {
        var kv = await KvAsync();
        await kv.SendAsync(Operation.Update, "metadata/strict", ("cas_required", true));

        var key = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await kv.SendAsync(Operation.Update, "data/strict", Secret(("a", "1"))));
        await kv.SendAsync(Operation.Update, "data/loose", Secret(("a", "1")));
        await kv.SendAsync(Operation.Update, "config", ("cas_required", true));
        var mount = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await kv.SendAsync(Operation.Update, "data/loose", Secret(("a", "2"))));
        var warned = await kv.SendAsync(Operation.Update, "metadata/loose", ("cas_required", false));

        Assert.AreEqual("check-and-set parameter required for this call", key.Message);
        Assert.AreEqual("check-and-set parameter required for this call", mount.Message);
        Assert.AreEqual("\"cas_required\" set to false, but is mandated by backend config. This value will be ignored.", warned!.Warnings!.Single());
        Assert.AreEqual("2", (await kv.SendAsync(Operation.Update, "data/loose", Secret(("a", "2")), ("options", new { cas = 1 }))).Field("version"));
    }

    [TestMethod]
    public async Task SoftDelete_Undelete_Destroy_ChangeWhatAReadAnswers()
    {
        var kv = await KvAsync();
        for (var i = 1; i <= 3; i++)
        {
            await kv.SendAsync(Operation.Update, "data/k", Secret(("n", i)));
        }

        _time.Advance(TimeSpan.FromSeconds(1));
        await kv.SendAsync(Operation.Delete, "data/k");
        var deleted = await kv.SendAsync(Operation.Read, "data/k");
        Assert.AreEqual(404, deleted!.StatusCode, "Vault answers a deleted version with 404 and its metadata");
        Assert.AreEqual(JsonValueKind.Null, Get(deleted, "data").ValueKind);
        Assert.AreEqual("2026-01-01T00:00:01Z", Get(deleted, "metadata", "deletion_time").GetString());

        await kv.SendAsync(Operation.Update, "delete/k", ("versions", new[] { 1 }));
        await kv.SendAsync(Operation.Update, "undelete/k", ("versions", "3"));
        Assert.AreEqual("""{"n":3}""", Get(await kv.SendAsync(Operation.Read, "data/k"), "data").GetRawText());
        Assert.AreEqual(404, (await kv.SendAsync(Operation.Read, "data/k", ("version", 1)))!.StatusCode);

        await kv.SendAsync(Operation.Update, "destroy/k", ("versions", new[] { 2, 3 }));
        var destroyed = await kv.SendAsync(Operation.Read, "data/k", ("version", 2));
        Assert.AreEqual(404, destroyed!.StatusCode);
        Assert.IsTrue(Get(destroyed, "metadata", "destroyed").GetBoolean());
        await kv.SendAsync(Operation.Update, "undelete/k", ("versions", new[] { 2 }));
        Assert.AreEqual(404, (await kv.SendAsync(Operation.Read, "data/k", ("version", 2)))!.StatusCode, "a destroyed version cannot be undeleted");

        var versionKeys = (await _storage.AllKeysAsync()).Where(k => k.StartsWith(".kv-v2/versions/", StringComparison.Ordinal)).ToList();
        Assert.HasCount(1, versionKeys, "destroying removes the data; only version 1's (deleted, not destroyed) remains");

        var none = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await kv.SendAsync(Operation.Update, "delete/k"));
        var noneDestroy = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await kv.SendAsync(Operation.Update, "destroy/k", ("versions", Array.Empty<int>())));
        var notNumber = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await kv.SendAsync(Operation.Update, "undelete/k", ("versions", "one")));
        Assert.AreEqual("No version number provided", none.Message);
        Assert.AreEqual("no version number provided", noneDestroy.Message);
        StringAssert.Contains(notNumber.Message, "'one' is not a version number");
    }

    [TestMethod]
    public async Task MaxVersions_TrimsTheOldest_AsVaultCounts()
    {
        var kv = await KvAsync();
        await kv.SendAsync(Operation.Update, "metadata/k", ("max_versions", 3));
        for (var i = 1; i <= 3; i++)
        {
            await kv.SendAsync(Operation.Update, "data/k", Secret(("n", i)));
        }

        var atLimit = await kv.SendAsync(Operation.Read, "metadata/k");
        Assert.AreEqual(1, Get(atLimit, "oldest_version").GetInt64(), "oldest_version is 0 until the limit is reached, then the oldest kept");

        await kv.SendAsync(Operation.Update, "data/k", Secret(("n", 4)));
        await kv.SendAsync(Operation.Update, "data/k", Secret(("n", 5)));

        var meta = await kv.SendAsync(Operation.Read, "metadata/k");
        Assert.AreEqual(3, Get(meta, "oldest_version").GetInt64());
        Assert.AreEqual(5, Get(meta, "current_version").GetInt64());
        CollectionAssert.AreEqual(new[] { "3", "4", "5" }, Get(meta, "versions").EnumerateObject().Select(p => p.Name).ToArray());
        Assert.IsNull(await kv.SendAsync(Operation.Read, "data/k", ("version", 2)));
        Assert.HasCount(3, (await _storage.AllKeysAsync()).Where(k => k.StartsWith(".kv-v2/versions/", StringComparison.Ordinal)).ToList());
    }

    [TestMethod]
    public async Task DefaultLimit_IsTenVersions()
    {
        var kv = await KvAsync();
        for (var i = 1; i <= 12; i++)
        {
            await kv.SendAsync(Operation.Update, "data/k", Secret(("n", i)));
        }

        var meta = await kv.SendAsync(Operation.Read, "metadata/k");
        Assert.AreEqual(3, Get(meta, "oldest_version").GetInt64());
        Assert.AreEqual(10, Get(meta, "versions").EnumerateObject().Count());
    }

    [TestMethod]
    public async Task DeleteVersionAfter_DeletesANewVersion_WhenItsTimeComes()
    {
        var kv = await KvAsync();
        await kv.SendAsync(Operation.Update, "metadata/k", ("delete_version_after", "1h"));
        var written = await kv.SendAsync(Operation.Update, "data/k", Secret(("a", "1")));

        Assert.AreEqual("2026-01-01T01:00:00Z", written.Field("deletion_time"));
        Assert.IsNull((await kv.SendAsync(Operation.Read, "data/k"))!.StatusCode, "a deletion time in the future hides nothing yet");
        _time.Advance(TimeSpan.FromHours(1));
        Assert.AreEqual(404, (await kv.SendAsync(Operation.Read, "data/k"))!.StatusCode);

        Assert.AreEqual("1h0m0s", Get(await kv.SendAsync(Operation.Read, "metadata/k"), "delete_version_after").GetString());
        await kv.SendAsync(Operation.Update, "config", ("delete_version_after", "-1"));
        Assert.AreEqual("-1s", (await kv.SendAsync(Operation.Read, "config")).Field("delete_version_after"));
        Assert.AreEqual("", (await kv.SendAsync(Operation.Update, "data/k", Secret(("a", "2")))).Field("deletion_time"), "the mount's negative setting switches it off for every key");
    }

    [TestMethod]
    public async Task Patch_MergesIntoTheNewestVersion_AsANewVersion()
    {
        var kv = await KvAsync();
        await kv.SendAsync(Operation.Update, "data/k", ("data", new { keep = "1", drop = "2", nested = new { a = 1, b = 2 } }));

        var patched = await kv.SendAsync(Operation.Patch, "data/k", ("data", new Dictionary<string, object?> { ["drop"] = null, ["added"] = "3", ["nested"] = new { b = 20, c = 30 } }));

        Assert.AreEqual("2", patched.Field("version"));
        Assert.AreEqual("""{"keep":"1","nested":{"a":1,"b":20,"c":30},"added":"3"}""", Get(await kv.SendAsync(Operation.Read, "data/k"), "data").GetRawText());
        var missing = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await kv.SendAsync(Operation.Patch, "data/none", Secret(("a", "1"))));
        var noData = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await kv.SendAsync(Operation.Patch, "data/k", ("options", new { cas = 2 })));
        Assert.AreEqual(ErrorCode.NotFound, missing.Code);
        Assert.AreEqual("no data provided", noData.Message);

        await kv.SendAsync(Operation.Delete, "data/k");
        var onDeleted = await kv.SendAsync(Operation.Patch, "data/k", Secret(("a", "1")));
        Assert.AreEqual(404, onDeleted!.StatusCode);
        Assert.AreEqual("2", onDeleted.Field("version"));
    }

    [TestMethod]
    public async Task Metadata_CustomMetadata_IsCheckedStoredPatchedAndAnswered()
    {
        var kv = await KvAsync();
        await kv.SendAsync(Operation.Update, "metadata/k", ("custom_metadata", new { owner = "ops", tier = 1 }));
        await kv.SendAsync(Operation.Update, "data/k", Secret(("a", "1")));
        await kv.SendAsync(Operation.Patch, "metadata/k", ("custom_metadata", new Dictionary<string, object?> { ["tier"] = null, ["team"] = "db" }));

        var meta = await kv.SendAsync(Operation.Read, "metadata/k");
        Assert.AreEqual("""{"owner":"ops","team":"db"}""", Get(meta, "custom_metadata").GetRawText());
        Assert.AreEqual("""{"owner":"ops","team":"db"}""", Get(await kv.SendAsync(Operation.Read, "data/k"), "metadata", "custom_metadata").GetRawText());
        Assert.AreEqual("0s", Get(meta, "delete_version_after").GetString());

        var tooMany = await Assert.ThrowsExactlyAsync<PluginHostException>(async () =>
            await kv.SendAsync(Operation.Update, "metadata/k", ("custom_metadata", Enumerable.Range(0, 65).ToDictionary(i => $"k{i}", i => "v"))));
        var tooLong = await Assert.ThrowsExactlyAsync<PluginHostException>(async () =>
            await kv.SendAsync(Operation.Update, "metadata/k", ("custom_metadata", new Dictionary<string, string> { ["a"] = new string('x', 513), ["b"] = "" })));
        Assert.AreEqual("custom_metadata validation failed: payload must contain at most 64 keys, provided 65", tooMany.Message);
        StringAssert.Contains(tooLong.Message, "2 errors occurred");
        StringAssert.Contains(tooLong.Message, "length of value for key \"a\" is 513 but must be 0 < len(value) <= 512");
        StringAssert.Contains(tooLong.Message, "length of value for key \"b\" is 0");
        Assert.AreEqual("""{"owner":"ops","team":"db"}""", Get(await kv.SendAsync(Operation.Read, "metadata/k"), "custom_metadata").GetRawText(), "a refused write changes nothing");

        var patchMissing = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await kv.SendAsync(Operation.Patch, "metadata/none", ("max_versions", 2)));
        Assert.AreEqual(ErrorCode.NotFound, patchMissing.Code);
        Assert.IsNull(await kv.SendAsync(Operation.Update, "metadata/untouched"));
        Assert.IsNull(await kv.SendAsync(Operation.Read, "metadata/untouched"), "a metadata write without settings creates nothing");
    }

    [TestMethod]
    public async Task ListAndDeleteMetadata_SeeKeysAndFolders_AndRemoveEverything()
    {
        var kv = await KvAsync();
        await kv.SendAsync(Operation.Update, "data/app/db", Secret(("a", "1")));
        await kv.SendAsync(Operation.Update, "data/app/api", Secret(("a", "1")));
        await kv.SendAsync(Operation.Update, "data/top", Secret(("a", "1")));
        await kv.SendAsync(Operation.Update, "data/app", Secret(("a", "1")));

        CollectionAssert.AreEquivalent(new[] { "app", "app/", "top" }, (await kv.SendAsync(Operation.List, "metadata/"))!.GetListKeys().ToArray());
        CollectionAssert.AreEquivalent(new[] { "api", "db" }, (await kv.SendAsync(Operation.List, "metadata/app/"))!.GetListKeys().ToArray());
        Assert.IsNull(await kv.SendAsync(Operation.List, "metadata/none/"));

        await kv.SendAsync(Operation.Delete, "metadata/app/db");
        Assert.IsNull(await kv.SendAsync(Operation.Read, "data/app/db"));
        Assert.IsNull(await kv.SendAsync(Operation.Read, "metadata/app/db"));
        Assert.HasCount(3, (await _storage.AllKeysAsync()).Where(k => k.StartsWith(".kv-v2/versions/", StringComparison.Ordinal)).ToList());
    }

    [TestMethod]
    public async Task Subkeys_AnswerTheShape_WithDepth()
    {
        var kv = await KvAsync();
        await kv.SendAsync(Operation.Update, "data/k", ("data", new { foo = "abc", bar = new { baz = "def", deep = new { x = 1 } }, quux = new { } }));

        Assert.AreEqual("""{"foo":null,"bar":{"baz":null,"deep":{"x":null}},"quux":null}""", Get(await kv.SendAsync(Operation.Read, "subkeys/k"), "subkeys").GetRawText());
        Assert.AreEqual("""{"foo":null,"bar":{"baz":null,"deep":null},"quux":null}""", Get(await kv.SendAsync(Operation.Read, "subkeys/k", ("depth", 2)), "subkeys").GetRawText());
        Assert.AreEqual(1, Get(await kv.SendAsync(Operation.Read, "subkeys/k"), "metadata", "version").GetInt64());
    }

    [TestMethod]
    [DataRow(Operation.Read, "k")]
    [DataRow(Operation.Update, "k")]
    [DataRow(Operation.Read, "data/k/")]
    [DataRow(Operation.List, "data/")]
    public async Task AVersionOnePath_Is404_WithVaultsWarning(Operation operation, string path)
    {
        var kv = await KvAsync();

        var answer = await kv.SendAsync(operation, path, ("a", "b"));

        Assert.AreEqual(404, answer!.StatusCode);
        StringAssert.StartsWith(answer.Warnings!.Single(), "Invalid path for a versioned K/V secrets engine.");
    }

    [TestMethod]
    public async Task BadPaths_AreRefused_WithWhatIsWrong()
    {
        var kv = await KvAsync();

        var empty = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await kv.SendAsync(Operation.Update, "metadata/", ("max_versions", 1)));
        var dots = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await kv.SendAsync(Operation.Update, "data/a/../b", Secret(("a", "1"))));
        var noData = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await kv.SendAsync(Operation.Update, "data/a"));

        Assert.AreEqual("missing path", empty.Message);
        StringAssert.Contains(dots.Message, "is not a key");
        Assert.AreEqual("no data provided", noData.Message);
    }

    [TestMethod]
    public async Task Upgrade_MovesVersionOneKeys_ToVersionOne_AndRefusesRequestsUntilDone()
    {
        var v1 = await SetUpAsync(new KvBackend(), _storage);
        await v1.SendAsync(Operation.Update, "app/db", ("password", "p1"));
        await v1.SendAsync(Operation.Update, "metadata", ("collides", "with a v2 folder name"));
        await v1.SendAsync(Operation.Update, "top", ("a", "1"));

        var kv = await KvAsync();
        await Eventually.TrueAsync(async () =>
        {
            try
            {
                return await kv.SendAsync(Operation.Read, "data/app/db") is not null;
            }
            catch (PluginHostException e) when (e.Message.StartsWith("Upgrading from non-versioned to versioned data.", StringComparison.Ordinal))
            {
                return false;
            }
        }, "the upgrade finishes");

        var db = await kv.SendAsync(Operation.Read, "data/app/db");
        Assert.AreEqual("""{"password":"p1"}""", Get(db, "data").GetRawText());
        Assert.AreEqual("""{"collides":"with a v2 folder name"}""", Get(await kv.SendAsync(Operation.Read, "data/metadata"), "data").GetRawText());
        var meta = await kv.SendAsync(Operation.Read, "metadata/top");
        Assert.AreEqual(1, Get(meta, "current_version").GetInt64());
        Assert.AreEqual(1, Get(meta, "oldest_version").GetInt64());
        Assert.IsTrue((await _storage.AllKeysAsync()).All(k => k.StartsWith(".kv-v2/", StringComparison.Ordinal)), "no version 1 key is left behind");

        var again = await KvAsync();
        Assert.AreEqual("""{"a":"1"}""", Get(await again.SendAsync(Operation.Read, "data/top"), "data").GetRawText(), "set up again, it serves at once");
    }
}
