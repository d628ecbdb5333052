using System.Text;
using System.Text.Json;
using PluginHost.Backends;
using PluginHost.Storage;
using PluginHost.Tests.TestDoubles;
using static PluginHost.Tests.Backends.BackendTestContext;

namespace PluginHost.Tests.Backends.Contract;

/// <summary>
/// What UserpassBackend does, whichever way it runs: each subclass mounts the backend its own way (in-process, or through the
/// plugin protocol with <see cref="PluginHost.Sdk.PluginHarness"/>), so the same requests prove the same answers.
/// </summary>
public abstract class UserpassBackendContract
{
    private protected const int FastIterations = UserpassBackendOptions.MinimumPasswordIterations;

    private protected readonly InMemoryStorage _storage = new();
    private protected readonly RecordingLogger _logger = new();

    private protected Task<IBackend> NewAsync() =>
        MountAsync(new UserpassBackend(new UserpassBackendOptions { PasswordIterations = FastIterations }), _storage);

    private protected static async Task<IBackend> WithAliceAsync(IBackend backend)
    {
        await backend.SendAsync(Operation.Create, "users/alice", ("password", "s3cret"), ("policies", "ops, Dev,admin,dev"), ("ttl", "1h"), ("max_ttl", 7200));
        return backend;
    }

    private protected static Task<BackendResponse?> LoginAsync(IBackend backend, string name, string password) =>
        backend.SendAsync(Operation.Update, $"login/{name}", ("password", password)).AsTask();

    private protected static async Task<PluginHostException> LoginFailsAsync(IBackend backend, string name, string password) =>
        await Assert.ThrowsExactlyAsync<PluginHostException>(() => LoginAsync(backend, name, password));

    private protected async Task<JsonElement> StoredUserAsync(string name) =>
        JsonDocument.Parse((await _storage.GetAsync($"user/{name}"))!.Value).RootElement;

    /// <summary>Sets <paramref name="backend"/> up on <paramref name="storage"/> and answers the <see cref="IBackend"/> to send requests to.</summary>
    private protected abstract Task<IBackend> MountAsync(IBackend backend, IStorage storage);

    [TestMethod]
    public async Task CreateThenRead_AnswersTokenSettings_NeverThePassword()
    {
        var backend = await WithAliceAsync(await NewAsync());

        var read = await backend.SendAsync(Operation.Read, "users/alice");

        CollectionAssert.AreEquivalent(new[] { "policies", "token_policies", "ttl", "token_ttl", "max_ttl", "token_max_ttl", "token_no_default_policy", "token_type" }, read!.Data!.Keys.ToArray());
        Assert.AreEqual("[\"admin\",\"dev\",\"ops\"]", read.Field("policies"));
        Assert.AreEqual("[\"admin\",\"dev\",\"ops\"]", read.Field("token_policies"));
        Assert.AreEqual("3600", read.Field("ttl"));
        Assert.AreEqual("7200", read.Field("max_ttl"));
        Assert.IsFalse(JsonSerializer.Serialize(read).Contains("s3cret", StringComparison.Ordinal));
    }

    [TestMethod]
    public async Task Create_StoresAPbkdf2Record_NotThePassword()
    {
        await WithAliceAsync(await NewAsync());

        var stored = await StoredUserAsync("alice");
        var hash = stored.GetProperty("password_hash");

        Assert.AreEqual("pbkdf2-sha256", hash.GetProperty("algorithm").GetString());
        Assert.AreEqual(FastIterations, hash.GetProperty("iterations").GetInt32());
        Assert.HasCount(16, hash.GetProperty("salt").GetBytesFromBase64());
        Assert.HasCount(32, hash.GetProperty("hash").GetBytesFromBase64());
        Assert.IsFalse(stored.GetRawText().Contains("s3cret", StringComparison.Ordinal));
    }

    [TestMethod]
    public async Task SamePassword_GetsADifferentSaltPerUser()
    {
        var backend = await NewAsync();
        await backend.SendAsync(Operation.Create, "users/a", ("password", "same"));
        await backend.SendAsync(Operation.Create, "users/b", ("password", "same"));

        var a = (await StoredUserAsync("a")).GetProperty("password_hash");
        var b = (await StoredUserAsync("b")).GetProperty("password_hash");

        Assert.AreNotEqual(a.GetProperty("salt").GetString(), b.GetProperty("salt").GetString());
        Assert.AreNotEqual(a.GetProperty("hash").GetString(), b.GetProperty("hash").GetString());
    }

    [TestMethod]
    [DataRow(Operation.Create)]
    [DataRow(Operation.Update)]
    public async Task Write_NewUserWithoutPassword_IsRefused(Operation operation)
    {
        var backend = await NewAsync();

        await BackendAssert.RefusedWithNothingStoredAsync(async () => await backend.SendAsync(operation, "users/bob", ("policies", "dev")), "missing password", _storage);
    }

    [TestMethod]
    public async Task Write_PasswordNotAString_IsRefused()
    {
        var backend = await NewAsync();

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await backend.SendAsync(Operation.Create, "users/bob", ("password", new[] { "pw" })));

        StringAssert.Contains(error.Message, "'password'");
    }

    [TestMethod]
    public async Task Read_UnknownUser_AnswersNull()
    {
        var backend = await NewAsync();
        Assert.IsNull(await backend.SendAsync(Operation.Read, "users/nobody"));
    }

    [TestMethod]
    public async Task List_AnswersUsersSorted_AndNullWhenNone()
    {
        var backend = await NewAsync();
        Assert.IsNull(await backend.SendAsync(Operation.List, "users/"));

        await backend.SendAsync(Operation.Create, "users/zed", ("password", "pw"));
        await backend.SendAsync(Operation.Create, "users/Amy", ("password", "pw"));

        CollectionAssert.AreEqual(new[] { "amy", "zed" }, (await backend.SendAsync(Operation.List, "users/"))!.GetListKeys().ToArray());
        CollectionAssert.AreEqual(new[] { "amy", "zed" }, (await backend.SendAsync(Operation.List, "users"))!.GetListKeys().ToArray());
    }

    [TestMethod]
    public async Task Delete_RemovesTheUser_AndLoginFails()
    {
        var backend = await WithAliceAsync(await NewAsync());

        Assert.IsNull(await backend.SendAsync(Operation.Delete, "users/alice"));
        Assert.IsNull(await backend.SendAsync(Operation.Delete, "users/alice"));

        Assert.IsNull(await backend.SendAsync(Operation.Read, "users/alice"));
        Assert.AreEqual("invalid username or password", (await LoginFailsAsync(backend, "alice", "s3cret")).Message);
    }

    [TestMethod]
    public async Task Usernames_AreCaseInsensitive()
    {
        var backend = await NewAsync();
        await backend.SendAsync(Operation.Create, "users/Alice", ("password", "pw"));

        Assert.IsNotNull(await backend.SendAsync(Operation.Read, "users/alice"));
        Assert.AreEqual("alice", (await LoginAsync(backend, "ALICE", "pw"))!.Auth!.DisplayName);
        CollectionAssert.AreEqual(new[] { "user/alice" }, (await _storage.AllKeysAsync()).ToArray());
    }

    [TestMethod]
    [DataRow("users/..")]
    [DataRow("users/.")]
    [DataRow("login/..")]
    public async Task BadUsername_IsRefused(string path)
    {
        var backend = await NewAsync();

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await backend.SendAsync(Operation.Update, path, ("password", "pw")));

        Assert.AreEqual(ErrorCode.BadRequest, error.Code);
        StringAssert.StartsWith(error.Message, "invalid username");
    }

    [TestMethod]
    public async Task Login_RightPassword_AnswersAuthWithSortedPoliciesAndTtl()
    {
        var backend = await WithAliceAsync(await NewAsync());

        var auth = (await LoginAsync(backend, "alice", "s3cret"))!.Auth!;

        Assert.AreEqual("alice", auth.DisplayName);
        CollectionAssert.AreEqual(new[] { "admin", "dev", "ops" }, auth.Policies.ToArray());
        Assert.AreEqual("alice", auth.Metadata["username"]);
        Assert.AreEqual(TimeSpan.FromHours(1), auth.Ttl);
        Assert.AreEqual(TimeSpan.FromHours(2), auth.MaxTtl);
        Assert.IsTrue(auth.Renewable);
        Assert.AreEqual("alice", auth.AliasName);
    }

    [TestMethod]
    [DataRow(Operation.Create)]
    [DataRow(Operation.Update)]
    public async Task Login_WithUsernameField_Works(Operation operation)
    {
        var backend = await WithAliceAsync(await NewAsync());

        var response = await backend.SendAsync(operation, "login", ("username", "Alice"), ("password", "s3cret"));

        Assert.AreEqual("alice", response!.Auth!.DisplayName);
    }

    [TestMethod]
    public async Task Login_WithoutUsername_IsRefused()
    {
        var backend = await NewAsync();

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await backend.SendAsync(Operation.Update, "login", ("password", "pw")));

        Assert.AreEqual("missing username", error.Message);
    }

    [TestMethod]
    public async Task Login_WrongPassword_IsRefusedWithVaultMessage()
    {
        var backend = await WithAliceAsync(await NewAsync());

        var error = await LoginFailsAsync(backend, "alice", "wrong");

        Assert.AreEqual(ErrorCode.BadRequest, error.Code);
        Assert.AreEqual("invalid username or password", error.Message);
    }

    [TestMethod]
    public async Task Login_UnknownUser_IsRefusedWithTheSameMessage()
    {
        var backend = await WithAliceAsync(await NewAsync());

        var error = await LoginFailsAsync(backend, "mallory", "s3cret");

        Assert.AreEqual(ErrorCode.BadRequest, error.Code);
        Assert.AreEqual("invalid username or password", error.Message);
    }

    [TestMethod]
    public async Task Login_WithoutPassword_IsRefused()
    {
        var backend = await WithAliceAsync(await NewAsync());

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await backend.SendAsync(Operation.Update, "login/alice"));

        Assert.AreEqual("missing password", error.Message);
    }

    [TestMethod]
    public async Task ChangePassword_NewWorks_OldFails()
    {
        var backend = await WithAliceAsync(await NewAsync());

        Assert.IsNull(await backend.SendAsync(Operation.Update, "users/alice/password", ("password", "n3w")));

        Assert.IsNotNull((await LoginAsync(backend, "alice", "n3w"))!.Auth);
        await LoginFailsAsync(backend, "alice", "s3cret");
        Assert.AreEqual("3600", (await backend.SendAsync(Operation.Read, "users/alice")).Field("ttl"));
    }

    [TestMethod]
    public async Task ChangePassword_UnknownUser_IsRefused()
    {
        var backend = await NewAsync();

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await backend.SendAsync(Operation.Update, "users/bob/password", ("password", "pw")));

        Assert.AreEqual(ErrorCode.BadRequest, error.Code);
        StringAssert.StartsWith(error.Message, "username does not exist");
        Assert.IsEmpty(await _storage.AllKeysAsync());
    }

    [TestMethod]
    public async Task ChangePassword_WithoutPassword_IsRefused()
    {
        var backend = await WithAliceAsync(await NewAsync());

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await backend.SendAsync(Operation.Update, "users/alice/password"));

        Assert.AreEqual("missing password", error.Message);
    }

    [TestMethod]
    public async Task Update_WithoutPassword_KeepsPasswordAndUnspecifiedFields()
    {
        var backend = await WithAliceAsync(await NewAsync());

        await backend.SendAsync(Operation.Update, "users/alice", ("token_policies", new[] { "Reader" }));

        Assert.IsNotNull(await LoginAsync(backend, "alice", "s3cret"));
        var read = await backend.SendAsync(Operation.Read, "users/alice");
        Assert.AreEqual("[\"reader\"]", read.Field("policies"));
        Assert.AreEqual("3600", read.Field("ttl"));
        Assert.AreEqual("7200", read.Field("max_ttl"));
    }

    [TestMethod]
    public async Task Update_EmptyPolicies_ClearsThem()
    {
        var backend = await WithAliceAsync(await NewAsync());

        await backend.SendAsync(Operation.Update, "users/alice", ("policies", ""));

        Assert.IsEmpty((await LoginAsync(backend, "alice", "s3cret"))!.Auth!.Policies);
    }

    [TestMethod]
    public async Task Policies_AndTokenPoliciesThatDiffer_AreRefused()
    {
        var backend = await NewAsync();

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(async () =>
            await backend.SendAsync(Operation.Create, "users/bob", ("password", "pw"), ("policies", "a"), ("token_policies", "b")));

        Assert.AreEqual(ErrorCode.BadRequest, error.Code);
        StringAssert.Contains(error.Message, "'policies' and 'token_policies' differ");
    }

    [TestMethod]
    public async Task Policies_OfAWrongType_AreRefusedNamingTheField()
    {
        var backend = await NewAsync();

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(async () =>
            await backend.SendAsync(Operation.Create, "users/bob", ("password", "pw"), ("token_policies", 5)));

        StringAssert.StartsWith(error.Message, "invalid value for 'token_policies'");
    }

    [TestMethod]
    [DataRow("ttl")]
    [DataRow("max_ttl")]
    public async Task BadTtl_IsRefusedNamingTheField(string field)
    {
        var backend = await NewAsync();

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(async () =>
            await backend.SendAsync(Operation.Create, "users/bob", ("password", "pw"), (field, "soon")));

        Assert.AreEqual(ErrorCode.BadRequest, error.Code);
        StringAssert.StartsWith(error.Message, $"invalid value for '{field}'");
        Assert.IsEmpty(await _storage.AllKeysAsync());
    }

    [TestMethod]
    public async Task TtlAboveMaxTtl_IsRefused()
    {
        var backend = await NewAsync();

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(async () =>
            await backend.SendAsync(Operation.Create, "users/bob", ("password", "pw"), ("ttl", "2h"), ("max_ttl", "1h")));

        StringAssert.StartsWith(error.Message, "'token_ttl' (7200s) cannot be greater than 'token_max_ttl' (3600s)");
    }

    [TestMethod]
    public async Task VaultsTokenFields_ReachTheLogin()
    {
        var backend = await NewAsync();
        await backend.SendAsync(Operation.Create, "users/bob", ("password", "pw"), ("token_policies", "dev"), ("token_ttl", "20m"), ("token_max_ttl", "1h"), ("token_no_default_policy", "true"));

        var auth = (await LoginAsync(backend, "bob", "pw"))!.Auth!;

        CollectionAssert.AreEqual(new[] { "dev" }, auth.Policies.ToArray());
        Assert.AreEqual(TimeSpan.FromMinutes(20), auth.Ttl);
        Assert.AreEqual(TimeSpan.FromHours(1), auth.MaxTtl);
        Assert.IsTrue(auth.NoDefaultPolicy);
    }

    [TestMethod]
    public async Task ALegacyFieldAndItsCurrentName_MustAgree()
    {
        var backend = await NewAsync();

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(async () =>
            await backend.SendAsync(Operation.Create, "users/bob", ("password", "pw"), ("ttl", "1h"), ("token_ttl", "2h")));

        Assert.AreEqual("'ttl' and 'token_ttl' differ; give only one of them ('token_ttl' is the current name)", error.Message);
    }

    [TestMethod]
    public async Task ExistenceCheck_TellsWhetherTheUserExists()
    {
        var backend = await WithAliceAsync(await NewAsync());

        Assert.IsTrue(await backend.ExistenceCheckAsync(Request(Operation.Update, "users/Alice"), CancellationToken.None));
        Assert.IsFalse(await backend.ExistenceCheckAsync(Request(Operation.Update, "users/bob"), CancellationToken.None));
        Assert.IsNull(await backend.ExistenceCheckAsync(Request(Operation.Update, "login/alice"), CancellationToken.None));
    }

    [TestMethod]
    [DataRow(Operation.Read, "login/alice")]
    [DataRow(Operation.Delete, "login")]
    [DataRow(Operation.Read, "users/alice/password")]
    [DataRow(Operation.List, "users/alice")]
    [DataRow(Operation.Update, "users/")]
    public async Task UnsupportedOperation_IsRefused(Operation operation, string path)
    {
        var backend = await NewAsync();

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await backend.SendAsync(operation, path));

        Assert.AreEqual(ErrorCode.Unsupported, error.Code);
        Assert.AreEqual("unsupported operation", error.Message);
    }

    [TestMethod]
    [DataRow("user/alice")]
    [DataRow("users/a/b")]
    [DataRow("config")]
    public async Task UnknownPath_IsUnsupportedPath(string path)
    {
        var backend = await NewAsync();

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await backend.SendAsync(Operation.Read, path));

        Assert.AreEqual(ErrorCode.NotFound, error.Code);
        Assert.AreEqual($"unsupported path: {path}", error.Message);
    }

    [TestMethod]
    [DataRow("", "userpass auth method")]
    [DataRow("users/alice", "Manage a user.")]
    [DataRow("login/alice", "Log in")]
    public async Task Help_AnswersHelpText(string path, string expected)
    {
        var backend = await NewAsync();
        StringAssert.Contains((await backend.SendAsync(Operation.Help, path)).Field("help"), expected);
    }

    [TestMethod]
    public async Task CleanupAndInvalidate_AreHarmless()
    {
        var backend = await WithAliceAsync(await NewAsync());

        await backend.InvalidateKeyAsync("user/alice", CancellationToken.None);
        Assert.IsNotNull(await LoginAsync(backend, "alice", "s3cret"));
        await backend.CleanupAsync(CancellationToken.None);
    }

    [TestMethod]
    public async Task CorruptStoredUser_IsAnInternalErrorNamingTheKey()
    {
        var backend = await NewAsync();
        await _storage.PutAsync(new StorageEntry("user/eve", Encoding.UTF8.GetBytes("{\"policies\":[]}")));

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(() => LoginAsync(backend, "eve", "pw"));

        Assert.AreEqual(ErrorCode.Internal, error.Code);
        StringAssert.Contains(error.Message, "'user/eve'");
    }
}
