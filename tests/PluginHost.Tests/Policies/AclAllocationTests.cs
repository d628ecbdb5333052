using System.Globalization;
using System.Text;
using PluginHost.Policies;

namespace PluginHost.Tests.Policies;

/// <summary>Checks allocate nothing, even with 100 policies of 50 rules each attached to one token.</summary>
[TestClass]
public sealed class AclAllocationTests
{
    private static readonly Acl Large = Acl.Create(Enumerable.Range(0, 100).Select(LargePolicy));

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

    // 30 exact paths, 12 prefixes, 6 '+' rules and 2 denials per policy (the benchmark's mix).
    private static Policy LargePolicy(int team)
    {
        var text = new StringBuilder();
        for (var i = 0; i < 30; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"path \"team-{team}/app-{i}/config\" {{ capabilities = [\"read\", \"update\"] }}\n");
        }

        for (var i = 0; i < 12; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"path \"team-{team}/kv/data/app-{i}/*\" {{ capabilities = [\"read\", \"list\"] }}\n");
        }

        for (var i = 0; i < 6; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"path \"team-{team}/+/creds/role-{i}\" {{ capabilities = [\"read\"] }}\n");
        }

        for (var i = 0; i < 2; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"path \"team-{team}/kv/data/app-{i}/admin\" {{ capabilities = [\"deny\"] }}\n");
        }

        return Policy.Parse($"team-{team}", text.ToString());
    }
}
