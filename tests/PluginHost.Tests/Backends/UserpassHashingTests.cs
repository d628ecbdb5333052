using System.Text;
using System.Text.Json.Nodes;
using PluginHost.Backends;
using PluginHost.Storage;
using static PluginHost.Tests.Backends.BackendTestContext;

namespace PluginHost.Tests.Backends;

/// <summary>The userpass backend's defences around PBKDF2: a cap on concurrent hashes and distrust of stored hash records.</summary>
[TestClass]
public sealed class UserpassHashingTests
{
    private const int FastIterations = UserpassBackendOptions.MinimumPasswordIterations;

    // Only a safety net so a broken cap fails instead of hanging; the passing path never waits for it.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly InMemoryStorage _storage = new();

    private Task<UserpassBackend> NewAsync(int maxConcurrentHashes = 4) =>
        SetUpAsync(new UserpassBackend(new UserpassBackendOptions { PasswordIterations = FastIterations, MaxConcurrentHashes = maxConcurrentHashes }), _storage);

    private static Task<BackendResponse?> LoginAsync(UserpassBackend backend, string name, string password, CancellationToken cancellationToken = default) =>
        backend.HandleRequestAsync(Request(Operation.Update, $"login/{name}", ("password", password)), cancellationToken).AsTask();

    [TestMethod]
    public void Options_MaxConcurrentHashes_DefaultsToProcessorCount() =>
        Assert.AreEqual(Environment.ProcessorCount, new UserpassBackendOptions().MaxConcurrentHashes);

    [TestMethod]
    [DataRow(0)]
    [DataRow(-1)]
    public void Constructor_MaxConcurrentHashesBelowOne_IsRefused(int cap)
    {
        var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new UserpassBackend(new UserpassBackendOptions { MaxConcurrentHashes = cap }));

        Assert.AreEqual("options", error.ParamName);
        StringAssert.Contains(error.Message, "MaxConcurrentHashes must be at least 1");
    }

    [TestMethod]
    public void Constructor_IterationsAboveTheMaximum_IsRefused()
    {
        var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            new UserpassBackend(new UserpassBackendOptions { PasswordIterations = UserpassBackendOptions.MaximumPasswordIterations + 1 }));

        StringAssert.Contains(error.Message, "at most 10000000");
    }

    [TestMethod]
    public async Task Hashes_WithCapOne_RunOneAtATime_ForLoginsAndWrites()
    {
        var backend = await NewAsync(maxConcurrentHashes: 1);
        await backend.SendAsync(Operation.Create, "users/alice", ("password", "s3cret"));
        await backend.SendAsync(Operation.Create, "users/carol", ("password", "old"));
        using var othersQueued = new CountdownEvent(3);
        var entered = 0;
        backend.Hashes.Queued = () => othersQueued.Signal();

        // The first hash holds its slot until the three others are waiting for one; were they not capped, they
        // would run alongside it instead and the peak would exceed 1.
        backend.Hashes.Entered = () =>
        {
            if (Interlocked.Increment(ref entered) == 1)
            {
                othersQueued.Wait(Patience);
            }
        };

        var requests = new Task[]
        {
            Task.Run(() => LoginAsync(backend, "alice", "s3cret")),
            Task.Run(() => Assert.ThrowsExactlyAsync<PluginHostException>(() => LoginAsync(backend, "mallory", "guess"))),
            Task.Run(() => backend.SendAsync(Operation.Create, "users/bob", ("password", "pw")).AsTask()),
            Task.Run(() => backend.SendAsync(Operation.Update, "users/carol/password", ("password", "new")).AsTask()),
        };
        await Task.WhenAll(requests).WaitAsync(Patience);

        Assert.AreEqual(0, othersQueued.CurrentCount, "every other hash waited for the slot");
        Assert.AreEqual(1, backend.Hashes.PeakRunning);
        Assert.AreEqual(4, entered);
        Assert.IsNotNull(await LoginAsync(backend, "bob", "pw"));
        Assert.IsNotNull(await LoginAsync(backend, "carol", "new"));
    }

    [TestMethod]
    public async Task Login_WaitingForAHashSlot_HonoursCancellation()
    {
        var backend = await NewAsync(maxConcurrentHashes: 1);
        await backend.SendAsync(Operation.Create, "users/alice", ("password", "s3cret"));
        using var release = new ManualResetEventSlim();
        var holding = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var queued = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        backend.Hashes.Queued = () => queued.TrySetResult();
        backend.Hashes.Entered = () =>
        {
            if (holding.TrySetResult())
            {
                release.Wait(Patience);
            }
        };

        var holder = Task.Run(() => LoginAsync(backend, "alice", "s3cret"));
        await holding.Task.WaitAsync(Patience);
        using var cancellation = new CancellationTokenSource();
        var waiter = Task.Run(() => LoginAsync(backend, "alice", "s3cret", cancellation.Token));
        await queued.Task.WaitAsync(Patience);
        await cancellation.CancelAsync();

        await Assert.ThrowsAsync<OperationCanceledException>(() => waiter.WaitAsync(Patience));
        release.Set();
        Assert.IsNotNull(await holder.WaitAsync(Patience));
    }

    [TestMethod]
    public async Task Login_TamperedHugeIterationCount_IsRefusedFastAsCorrupt()
    {
        var backend = await NewAsync();
        await TamperAsync(backend, hash => hash["iterations"] = 2_000_000_000);
        var hashes = 0;
        backend.Hashes.Entered = () => Interlocked.Increment(ref hashes);

        // Deriving 2e9 iterations would take many minutes; the record must be refused before any PBKDF2 runs. Run off
        // this thread, since the login may complete synchronously, so a regression fails at the timeout instead of hanging.
        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(() => Task.Run(() => LoginAsync(backend, "eve", "pw")).WaitAsync(TimeSpan.FromSeconds(10)));

        await AssertCorruptAsync(error, "iteration count 2000000000 is outside [10000, 10000000]");
        Assert.AreEqual(0, hashes);
    }

    [TestMethod]
    [DataRow("iterations", "9999", "iteration count 9999 is outside")]
    [DataRow("iterations", "0", "iteration count 0 is outside")]
    [DataRow("algorithm", "\"md5\"", "unknown password hash algorithm")]
    [DataRow("salt", "null", "password salt is 0 bytes, not 16")]
    public async Task Login_TamperedHashRecord_IsRefusedAsCorrupt(string field, string json, string reason)
    {
        var backend = await NewAsync();
        await TamperAsync(backend, hash => hash[field] = JsonNode.Parse(json));

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(() => LoginAsync(backend, "eve", "pw"));

        await AssertCorruptAsync(error, reason);
    }

    [TestMethod]
    [DataRow("salt", 0, "password salt is 0 bytes, not 16")]
    [DataRow("salt", 15, "password salt is 15 bytes, not 16")]
    [DataRow("salt", 17, "password salt is 17 bytes, not 16")]
    [DataRow("hash", 16, "password hash is 16 bytes, not 32")]
    [DataRow("hash", 64, "password hash is 64 bytes, not 32")]
    public async Task Login_TamperedSaltOrHashLength_IsRefusedAsCorrupt(string field, int length, string reason)
    {
        var backend = await NewAsync();
        await TamperAsync(backend, hash => hash[field] = Convert.ToBase64String(new byte[length]));

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(() => LoginAsync(backend, "eve", "pw"));

        await AssertCorruptAsync(error, reason);
    }

    [TestMethod]
    public async Task Login_TamperedShortHash_IsRefused_NotComparedAsAPrefix()
    {
        var backend = await NewAsync();
        await backend.SendAsync(Operation.Create, "users/eve", ("password", "pw"));
        var stored = JsonNode.Parse((await _storage.GetAsync("user/eve"))!.Value)!;
        var hash = Convert.FromBase64String(stored["password_hash"]!["hash"]!.GetValue<string>());

        // A one-byte prefix of the right hash: verifying it over its own length would accept 1 in 256 passwords.
        stored["password_hash"]!["hash"] = Convert.ToBase64String(hash[..1]);
        await _storage.PutAsync(new StorageEntry("user/eve", Encoding.UTF8.GetBytes(stored.ToJsonString())));

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(() => LoginAsync(backend, "eve", "pw"));

        await AssertCorruptAsync(error, "password hash is 1 bytes, not 32");
    }

    [TestMethod]
    [DataRow("users/eve")]
    [DataRow("users/eve/password")]
    public async Task CorruptHashRecord_IsRepairedByWritingANewPassword_AsTheErrorAdvises(string path)
    {
        var backend = await NewAsync();
        await TamperAsync(backend, hash => hash["iterations"] = 2_000_000_000);
        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(() => LoginAsync(backend, "eve", "pw"));
        StringAssert.Contains(error.Message, "write the user again with a new password");

        await backend.SendAsync(Operation.Update, path, ("password", "fresh"));

        Assert.IsNotNull(await LoginAsync(backend, "eve", "fresh"));
    }

    [TestMethod]
    public async Task CorruptHashRecord_UpdateWithoutPassword_IsStillRefused()
    {
        var backend = await NewAsync();
        await TamperAsync(backend, hash => hash["hash"] = "AAAA");

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await backend.SendAsync(Operation.Update, "users/eve", ("ttl", 60)));

        await AssertCorruptAsync(error, "password hash is 3 bytes, not 32");
    }

    [TestMethod]
    public void Verify_RecordOutsideTheLimits_ThrowsWithoutDeriving()
    {
        var record = new PasswordHash { Algorithm = PasswordHash.Pbkdf2Sha256, Iterations = int.MaxValue, Salt = new byte[16], Hash = new byte[32] };

        var error = Assert.ThrowsExactly<PluginHostException>(() => record.Verify("pw"));

        Assert.AreEqual(ErrorCode.Internal, error.Code);
        StringAssert.Contains(error.Message, "stored user record is corrupt");
    }

    private async Task TamperAsync(UserpassBackend backend, Action<JsonNode> tamper)
    {
        await backend.SendAsync(Operation.Create, "users/eve", ("password", "pw"));
        var stored = JsonNode.Parse((await _storage.GetAsync("user/eve"))!.Value)!;
        tamper(stored["password_hash"]!);
        await _storage.PutAsync(new StorageEntry("user/eve", Encoding.UTF8.GetBytes(stored.ToJsonString())));
    }

    private async Task AssertCorruptAsync(PluginHostException error, string reason)
    {
        Assert.AreEqual(ErrorCode.Internal, error.Code);
        StringAssert.Contains(error.Message, "stored user record at 'user/eve' is corrupt");
        StringAssert.Contains(error.Message, reason);

        // The message goes to logs and maybe to callers: no salt or hash material in it.
        var hash = JsonNode.Parse((await _storage.GetAsync("user/eve"))!.Value)!["password_hash"]!;
        foreach (var secret in new[] { hash["salt"]?.ToString(), hash["hash"]?.ToString() })
        {
            if (!string.IsNullOrEmpty(secret))
            {
                Assert.IsFalse(error.Message.Contains(secret, StringComparison.Ordinal), "the error contains stored hash material");
            }
        }
    }
}
