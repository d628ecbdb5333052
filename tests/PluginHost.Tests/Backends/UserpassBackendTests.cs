using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Moq;
using PluginHost.Backends;
using PluginHost.Storage;
using PluginHost.Tests.TestDoubles;
using static PluginHost.Tests.Backends.BackendTestContext;

namespace PluginHost.Tests.Backends;

[TestClass]
public sealed class UserpassBackendTests
{
    private const int FastIterations = UserpassBackendOptions.MinimumPasswordIterations;

    private readonly InMemoryStorage _storage = new();
    private readonly RecordingLogger _logger = new();

    private Task<UserpassBackend> NewAsync() =>
        SetUpAsync(new UserpassBackend(new UserpassBackendOptions { PasswordIterations = FastIterations }), _storage, _logger);

    private static async Task<UserpassBackend> WithAliceAsync(UserpassBackend backend)
    {
        await backend.SendAsync(Operation.Create, "users/alice", ("password", "s3cret"), ("policies", "ops, Dev,admin,dev"), ("ttl", "1h"), ("max_ttl", 7200));
        return backend;
    }

    private static Task<BackendResponse?> LoginAsync(UserpassBackend backend, string name, string password) =>
        backend.SendAsync(Operation.Update, $"login/{name}", ("password", password)).AsTask();

    private static async Task<PluginHostException> LoginFailsAsync(UserpassBackend backend, string name, string password) =>
        await Assert.ThrowsExactlyAsync<PluginHostException>(() => LoginAsync(backend, name, password));

    private async Task<JsonElement> StoredUserAsync(string name) =>
        JsonDocument.Parse((await _storage.GetAsync($"user/{name}"))!.Value).RootElement;

    [TestMethod]
    public void Type_IsAuth_WithLoginUnauthenticated()
    {
        var backend = new UserpassBackend();
        Assert.AreEqual(BackendType.Auth, backend.Type);
        CollectionAssert.AreEquivalent(new[] { "login", "login/*" }, backend.SpecialPaths.Unauthenticated.ToArray());
        Assert.IsEmpty(backend.SpecialPaths.Root);
    }

    [TestMethod]
    public void Constructor_TooFewIterations_IsRefusedNamingTheMinimum()
    {
        var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new UserpassBackend(new UserpassBackendOptions { PasswordIterations = 9_999 }));
        StringAssert.Contains(error.Message, "PasswordIterations must be at least 10000");
    }

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
    public async Task Create_ByDefault_Uses600000Iterations()
    {
        var backend = await SetUpAsync(new UserpassBackend(), _storage);

        await backend.SendAsync(Operation.Create, "users/bob", ("password", "pw"));

        Assert.AreEqual(600_000, (await StoredUserAsync("bob")).GetProperty("password_hash").GetProperty("iterations").GetInt32());
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
    public async Task HandleRequest_BeforeSetup_SaysToCallSetup()
    {
        var backend = new UserpassBackend(new UserpassBackendOptions { PasswordIterations = FastIterations });

        var error = await Assert.ThrowsExactlyAsync<InvalidOperationException>(async () => await LoginAsync(backend, "alice", "pw"));
        await Assert.ThrowsExactlyAsync<InvalidOperationException>(async () => await backend.ExistenceCheckAsync(Request(Operation.Update, "users/a"), CancellationToken.None));

        StringAssert.Contains(error.Message, "UserpassBackend has not been set up");
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

    [TestMethod]
    public async Task StorageFailure_Surfaces_AndNoUserIsKept()
    {
        var storage = new Mock<IStorage>(MockBehavior.Strict);
        storage.Setup(s => s.PutAsync(It.IsAny<StorageEntry>(), It.IsAny<CancellationToken>())).ThrowsAsync(new IOException("disk full"));
        storage.Setup(s => s.GetAsync(It.IsAny<string>(), It.IsAny<CancellationToken>())).Returns<string, CancellationToken>(_storage.GetAsync);
        storage.Setup(s => s.ListAsync(It.IsAny<string>(), It.IsAny<CancellationToken>())).Returns<string, CancellationToken>(_storage.ListAsync);
        var backend = await SetUpAsync(new UserpassBackend(new UserpassBackendOptions { PasswordIterations = FastIterations }), storage.Object, _logger);

        var error = await Assert.ThrowsExactlyAsync<IOException>(async () => await backend.SendAsync(Operation.Create, "users/bob", ("password", "pw")));

        Assert.AreEqual("disk full", error.Message);
        Assert.IsNull(await backend.SendAsync(Operation.List, "users/"));
        await LoginFailsAsync(backend, "bob", "pw");
        Assert.IsFalse(_logger.Entries.Any(e => e.Message.StartsWith("Created user", StringComparison.Ordinal)));
    }

    [TestMethod]
    public async Task ConcurrentUpdates_OfOneUser_DoNotLoseFields()
    {
        // A storage that yields on every call, so concurrent read-modify-writes really interleave.
        var storage = new Mock<IStorage>(MockBehavior.Strict);
        storage.Setup(s => s.GetAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .Returns<string, CancellationToken>(async (key, ct) => { await Task.Yield(); return await _storage.GetAsync(key, ct); });
        storage.Setup(s => s.PutAsync(It.IsAny<StorageEntry>(), It.IsAny<CancellationToken>()))
            .Returns<StorageEntry, CancellationToken>(async (entry, ct) => { await Task.Yield(); await _storage.PutAsync(entry, ct); });
        var backend = await SetUpAsync(new UserpassBackend(new UserpassBackendOptions { PasswordIterations = FastIterations }), storage.Object);
        await backend.SendAsync(Operation.Create, "users/alice", ("password", "pw"), ("policies", "initial"), ("ttl", 1));

        await Task.WhenAll(Enumerable.Range(2, 20).Select(i => i % 2 == 0
            ? backend.SendAsync(Operation.Update, "users/alice", ("ttl", i)).AsTask()
            : backend.SendAsync(Operation.Update, "users/alice", ("policies", $"p{i}")).AsTask()));

        var read = await backend.SendAsync(Operation.Read, "users/alice");
        Assert.AreNotEqual("1", read.Field("ttl"));
        Assert.AreNotEqual("[\"initial\"]", read.Field("policies"));
    }

    [TestMethod]
    public async Task Logs_UserChangesAndFailedLogins_NeverPasswords()
    {
        var backend = await WithAliceAsync(await NewAsync());
        await backend.SendAsync(Operation.Update, "users/alice/password", ("password", "n3w-pass"));
        await LoginFailsAsync(backend, "alice", "guess-1");
        await LoginFailsAsync(backend, "mallory", "guess-2");
        await backend.SendAsync(Operation.Delete, "users/alice");

        var messages = _logger.Entries.Select(e => e.Message).ToArray();

        CollectionAssert.Contains(messages, "Created user alice with policies admin, dev, ops");
        CollectionAssert.Contains(messages, "Updated user alice (password changed: True)");
        CollectionAssert.Contains(messages, "Failed login for alice: wrong password");
        CollectionAssert.Contains(messages, "Failed login for mallory: unknown user");
        CollectionAssert.Contains(messages, "Deleted user alice");
        Assert.IsTrue(_logger.Entries.Where(e => e.Message.StartsWith("Failed", StringComparison.Ordinal)).All(e => e.Level == LogLevel.Warning));
        foreach (var secret in new[] { "s3cret", "n3w-pass", "guess-1", "guess-2" })
        {
            Assert.IsFalse(messages.Any(m => m.Contains(secret, StringComparison.Ordinal)), $"a log message contains password {secret}");
        }
    }
}
