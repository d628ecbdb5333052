using PluginHost.Policies;
using PluginHost.Testing;

namespace PluginHost.Tests.Policies;

/// <summary>Checks allocate nothing, even with 100 policies of 50 rules each attached to one token.</summary>
[TestClass]
public sealed class AclAllocationTests
{
    private static readonly Acl Large = Acl.Create(Enumerable.Range(0, 100).Select(LargeAclPolicies.Team));

    [TestMethod]
    [DataRow("team-7/app-3/config", Operation.Read, true)] // exact
    [DataRow("team-7/kv/data/app-5/key", Operation.Read, true)] // prefix
    [DataRow("team-7/db/creds/role-2", Operation.Read, true)] // '+'
    [DataRow("team-7/kv/data/app-1/admin", Operation.Read, false)] // denied
    [DataRow("nobody/has/this", Operation.Read, false)] // no rule
    [DataRow("team-7/kv/data/app-5/", Operation.List, true)] // list, trailing slash
    public void ChecksOnALargeAcl_AllocateNothing(string path, Operation operation, bool allowed)
    {
        Assert.AreEqual(allowed, Large.AllowsOperation(path, operation, isRootPath: false));
        _ = Large.CapabilitiesOf(path, operation == Operation.List);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1_000; i++)
        {
            _ = Large.AllowsOperation(path, operation, isRootPath: false);
            _ = Large.CapabilitiesOf(path, operation == Operation.List);
        }

        Assert.AreEqual(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
