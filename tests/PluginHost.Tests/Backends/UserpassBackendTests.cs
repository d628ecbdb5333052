using Microsoft.Extensions.Logging;
using Moq;
using PluginHost.Backends;
using PluginHost.Tests.Backends.Contract;
using static PluginHost.Tests.Backends.BackendTestContext;

namespace PluginHost.Tests.Backends;

/// <summary>The userpass contract run in-process, and what only an in-process backend shows: its type, construction, the default hashing cost, use before set-up, storage seams, its log lines.</summary>
[TestClass]
public sealed class UserpassBackendTests : UserpassBackendContract
{
    private protected override Task<IBackend> MountAsync(IBackend backend, IStorage storage) => SetUpAsync(backend, storage, _logger);

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
    public async Task Create_ByDefault_Uses600000Iterations()
    {
        var backend = await SetUpAsync(new UserpassBackend(), _storage);

        await backend.SendAsync(Operation.Create, "users/bob", ("password", "pw"));

        Assert.AreEqual(600_000, (await StoredUserAsync("bob")).GetProperty("password_hash").GetProperty("iterations").GetInt32());
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
