using Moq;
using PluginHost.Storage;
using PluginHost.Tokens;

namespace PluginHost.Tests.Tokens;

[TestClass]
public sealed class TokenStoreTests
{
    private static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-12-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    private static TokenRequest Request(TimeSpan ttl, TimeSpan maxTtl = default, string? parent = null) =>
        new() { Policies = ["default"], Ttl = ttl, MaxTtl = maxTtl, ParentAccessor = parent };

    [TestMethod]
    public async Task Renew_MovesTheExpiry_ButNeverPastTheMax()
    {
        var clock = new ManualClock(Start);
        var store = new TokenStore(new InMemoryStorage(), clock);
        var (token, entry) = await store.CreateAsync(Request(TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(30)));
        clock.Advance(TimeSpan.FromMinutes(5));

        var renewed = await store.RenewAsync(entry.Accessor, TimeSpan.FromMinutes(20));
        Assert.AreEqual(Start + TimeSpan.FromMinutes(25), renewed.ExpireTime);

        var capped = await store.RenewAsync(entry.Accessor, TimeSpan.FromHours(2));
        Assert.AreEqual(Start + TimeSpan.FromMinutes(30), capped.ExpireTime);

        clock.Advance(TimeSpan.FromMinutes(25));
        Assert.IsNull(await store.LookupAsync(token), "expired at its max");
    }

    [TestMethod]
    public async Task AChild_NeverOutlivesItsParent_AndIsRevokedWithIt()
    {
        var clock = new ManualClock(Start);
        var storage = new InMemoryStorage();
        var store = new TokenStore(storage, clock);
        var (parent, parentEntry) = await store.CreateAsync(Request(TimeSpan.FromHours(1)));
        var (child, childEntry) = await store.CreateAsync(Request(TimeSpan.FromHours(5)) with { NotAfter = parentEntry.ExpireTime, ParentAccessor = parentEntry.Accessor });
        var (grandchild, _) = await store.CreateAsync(Request(TimeSpan.FromHours(1)) with { ParentAccessor = childEntry.Accessor });
        Assert.AreEqual(parentEntry.ExpireTime, childEntry.ExpireTime);

        await store.RevokeAsync(parent);

        Assert.IsNull(await store.LookupAsync(child));
        Assert.IsNull(await store.LookupAsync(grandchild));
        Assert.IsEmpty(await storage.ListAsync("core/token-accessors/"), "the indexes go with the tokens");
        Assert.IsEmpty(await storage.ListAsync("core/token-children/"));
    }

    [TestMethod]
    public async Task ARevokedToken_IsNotServedFromTheCache_NorByANewStoreOnTheSameStorage()
    {
        var storage = new InMemoryStorage();
        var store = new TokenStore(storage, TimeProvider.System);
        var (token, entry) = await store.CreateAsync(Request(TimeSpan.FromHours(1)));
        Assert.IsNotNull(await store.LookupAsync(token));
        Assert.IsNotNull(await new TokenStore(storage, TimeProvider.System).LookupByAccessorAsync(entry.Accessor));

        await store.RevokeByAccessorAsync(entry.Accessor);

        Assert.IsNull(await store.LookupAsync(token));
        Assert.IsNull(await new TokenStore(storage, TimeProvider.System).LookupAsync(token));
    }

    [TestMethod]
    public async Task AFailingStorage_FailsTheLookup_ItNeverAuthenticates()
    {
        var storage = new Mock<IStorage>();
        storage.Setup(s => s.GetAsync(It.IsAny<string>(), It.IsAny<CancellationToken>())).ThrowsAsync(new IOException("disk gone"));

        await Assert.ThrowsExactlyAsync<IOException>(() => new TokenStore(storage.Object, TimeProvider.System).LookupAsync("hvs.anything").AsTask());
    }

    [TestMethod]
    [DataRow("")]
    [DataRow("../core/root-token")]
    [DataRow("a/b")]
    public async Task LookupByAccessor_OfAMalformedAccessor_FindsNothing(string accessor) =>
        Assert.IsNull(await new TokenStore(new InMemoryStorage(), TimeProvider.System).LookupByAccessorAsync(accessor));

    private sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset _now = start;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
