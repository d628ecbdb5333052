using Moq;
using PluginHost.Policies;
using PluginHost.Storage;

namespace PluginHost.Tests.Policies;

[TestClass]
public sealed class PolicyStoreTests
{
    [TestMethod]
    public async Task AFreshStorage_GetsVaultsDefaultPolicy_AndListsRootLast()
    {
        using var store = new PolicyStore(new InMemoryStorage());
        await store.PutAsync("zeta", """path "z/*" { capabilities = ["read"] }""", CancellationToken.None);

        CollectionAssert.AreEqual(new[] { "default", "zeta", "root" }, (await store.ListAsync(CancellationToken.None)).ToArray());
        var acl = await store.AclOfAsync(["default"], CancellationToken.None);
        Assert.IsTrue(acl.AllowsOperation("auth/token/lookup-self", Operation.Read, isRootPath: false));
        Assert.IsFalse(acl.AllowsOperation("secret/x", Operation.Read, isRootPath: false));
    }

    [TestMethod]
    public async Task CompiledAcls_AreSharedByEqualNameLists_UntilAPolicyChanges()
    {
        using var store = new PolicyStore(new InMemoryStorage());
        await store.PutAsync("a", """path "a/*" { capabilities = ["read"] }""", CancellationToken.None);

        var first = await store.AclOfAsync(["a", "default"], CancellationToken.None);
        var again = await store.AclOfAsync(["a", "default"], CancellationToken.None);
        Assert.AreSame(first, again, "a caller rebuilt for each request does not recompile its policies");

        await store.PutAsync("a", """path "b/*" { capabilities = ["read"] }""", CancellationToken.None);
        var changed = await store.AclOfAsync(["a", "default"], CancellationToken.None);

        Assert.AreNotSame(first, changed);
        Assert.IsTrue(changed.AllowsOperation("b/x", Operation.Read, isRootPath: false));
        Assert.IsFalse(changed.AllowsOperation("a/x", Operation.Read, isRootPath: false));
    }

    [TestMethod]
    public async Task RootIsAlone_AndCannotBeWrittenOrDeleted_NorDefaultDeleted()
    {
        using var store = new PolicyStore(new InMemoryStorage());

        Assert.AreSame(PolicyStore.RootAcl, await store.AclOfAsync(["default", "root"], CancellationToken.None));
        Assert.AreEqual("cannot update \"root\" policy", (await Assert.ThrowsExactlyAsync<PluginHostException>(() => store.PutAsync(" Root ", "", CancellationToken.None))).Message);
        Assert.AreEqual("cannot delete \"root\" policy", (await Assert.ThrowsExactlyAsync<PluginHostException>(() => store.DeleteAsync("root", CancellationToken.None))).Message);
        Assert.AreEqual("cannot delete \"default\" policy", (await Assert.ThrowsExactlyAsync<PluginHostException>(() => store.DeleteAsync("default", CancellationToken.None))).Message);
    }

    [TestMethod]
    public async Task ANameThatCannotBeAKey_IsRefused()
    {
        using var store = new PolicyStore(new InMemoryStorage());

        foreach (var name in new[] { "", "../core/tokens", "a/b", ".." })
        {
            var refused = await Assert.ThrowsExactlyAsync<PluginHostException>(() => store.PutAsync(name, "", CancellationToken.None));
            Assert.AreEqual(ErrorCode.BadRequest, refused.Code, name);
        }
    }

    [TestMethod]
    public async Task AStorageFailureOnTheFirstStart_IsRetriedByTheNextCall()
    {
        var storage = new Mock<IStorage>();
        storage.SetupSequence(s => s.GetAsync("core/policies/default", It.IsAny<CancellationToken>()))
            .ThrowsAsync(new IOException("disk gone"))
            .ReturnsAsync((StorageEntry?)null);
        storage.Setup(s => s.ListAsync("core/policies/", It.IsAny<CancellationToken>())).ReturnsAsync(["default"]);
        using var store = new PolicyStore(storage.Object);

        await Assert.ThrowsExactlyAsync<IOException>(() => store.ListAsync(CancellationToken.None));

        CollectionAssert.AreEqual(new[] { "default", "root" }, (await store.ListAsync(CancellationToken.None)).ToArray());
        storage.Verify(s => s.PutAsync(It.Is<StorageEntry>(e => e.Key == "core/policies/default"), It.IsAny<CancellationToken>()), Times.Once);
    }
}
