using PluginHost.Policies;
using static PluginHost.Tests.Policies.VaultTestPolicies;

namespace PluginHost.Tests.Policies;

/// <summary>Vault's acl_test.go TestACL_Single, TestACL_Layered, TestACL_Capabilities and TestACL_Root.</summary>
[TestClass]
public sealed class AclSingleAndLayeredTests
{
    private static readonly Acl Single = AclOf(("dev", AclPolicy));
    private static readonly Acl Layered = AclOf(("dev", AclPolicy), ("ops", AclPolicy2));

    [TestMethod]
    [DataRow(Operation.Read, "root", false, false)]
    [DataRow(Operation.Help, "root", true, false)]
    [DataRow(Operation.Read, "dev/foo", true, true)]
    [DataRow(Operation.Update, "dev/foo", true, true)]
    [DataRow(Operation.Delete, "stage/foo", true, false)]
    [DataRow(Operation.List, "stage/aws/foo", true, true)]
    [DataRow(Operation.Update, "stage/aws/foo", true, true)]
    [DataRow(Operation.Update, "stage/aws/policy/foo", true, true)]
    [DataRow(Operation.Delete, "prod/foo", false, false)]
    [DataRow(Operation.Update, "prod/foo", false, false)]
    [DataRow(Operation.Read, "prod/foo", true, false)]
    [DataRow(Operation.List, "prod/foo", true, false)]
    [DataRow(Operation.Read, "prod/aws/foo", false, false)]
    [DataRow(Operation.Read, "foo/bar", true, true)]
    [DataRow(Operation.List, "foo/bar", false, true)]
    [DataRow(Operation.Update, "foo/bar", false, true)]
    [DataRow(Operation.Create, "foo/bar", true, true)]
    [DataRow(Operation.Read, "baz/quux", true, false)]
    [DataRow(Operation.Create, "baz/quux", true, false)]
    [DataRow(Operation.List, "baz/quux", false, false)]
    [DataRow(Operation.Update, "baz/quux", false, false)]
    [DataRow(Operation.Read, "test/foo/bar/segment", false, false)]
    [DataRow(Operation.Read, "test/foo/segment", true, false)]
    [DataRow(Operation.Read, "test/bar/segment", true, false)]
    [DataRow(Operation.Read, "test/segment/at/frond", false, false)]
    [DataRow(Operation.Read, "test/segment/at/front", true, false)]
    [DataRow(Operation.Read, "test/segment/at/end/foo", true, false)]
    [DataRow(Operation.Read, "test/segment/at/end/foo/", false, false)]
    [DataRow(Operation.Read, "test/segment/at/end/v2/foo/", true, false)]
    [DataRow(Operation.Read, "test/segment/wildcard/at/foo/", true, false)]
    [DataRow(Operation.Read, "test/segment/wildcard/at/end", true, false)]
    [DataRow(Operation.Read, "test/segment/wildcard/at/end/", true, false)]
    [DataRow(Operation.Read, "1/2/3/4", false, false)]
    [DataRow(Operation.Read, "1/2/3", true, false)]
    [DataRow(Operation.Update, "1/2/3", false, false)]
    [DataRow(Operation.Update, "1/2/3/4", true, false)]
    [DataRow(Operation.Create, "1/2/3/4/5", true, false)]
    public void Single_AllowsAsVaultDoes(Operation operation, string path, bool allowed, bool rootPrivileges) =>
        AssertAllows(Single, operation, path, allowed, rootPrivileges);

    [TestMethod]
    [DataRow(Operation.Read, "root", false, false)]
    [DataRow(Operation.Help, "root", true, false)]
    [DataRow(Operation.Read, "dev/foo", true, true)]
    [DataRow(Operation.Update, "dev/foo", true, true)]
    [DataRow(Operation.Read, "dev/hide/foo", false, false)]
    [DataRow(Operation.Update, "dev/hide/foo", false, false)]
    [DataRow(Operation.Delete, "stage/foo", true, false)]
    [DataRow(Operation.List, "stage/aws/foo", true, true)]
    [DataRow(Operation.Update, "stage/aws/foo", true, true)]
    [DataRow(Operation.Update, "stage/aws/policy/foo", false, false)]
    [DataRow(Operation.Delete, "prod/foo", true, false)]
    [DataRow(Operation.Update, "prod/foo", true, false)]
    [DataRow(Operation.Read, "prod/foo", true, false)]
    [DataRow(Operation.List, "prod/foo", true, false)]
    [DataRow(Operation.Read, "prod/aws/foo", false, false)]
    [DataRow(Operation.Read, "sys/status", false, false)]
    [DataRow(Operation.Update, "sys/seal", true, true)]
    [DataRow(Operation.Read, "foo/bar", false, false)]
    [DataRow(Operation.List, "foo/bar", false, false)]
    [DataRow(Operation.Update, "foo/bar", false, false)]
    [DataRow(Operation.Create, "foo/bar", false, false)]
    [DataRow(Operation.Read, "baz/quux", false, false)]
    [DataRow(Operation.List, "baz/quux", false, false)]
    [DataRow(Operation.Update, "baz/quux", false, false)]
    [DataRow(Operation.Create, "baz/quux", false, false)]
    public void Layered_UnitesCapabilitiesAndDenyWins(Operation operation, string path, bool allowed, bool rootPrivileges) =>
        AssertAllows(Layered, operation, path, allowed, rootPrivileges);

    [TestMethod]
    [DataRow("dev", new[] { "deny" })]
    [DataRow("dev/", new[] { "create", "delete", "list", "read", "sudo", "update" })]
    [DataRow("stage/aws/test", new[] { "list", "read", "sudo", "update" })]
    [DataRow("baz/quux", new[] { "create", "patch", "read" })]
    [DataRow("prod/aws/x", new[] { "deny" })]
    [DataRow("nothing/here", new[] { "deny" })]
    public void CapabilityNamesOf_AnswersAsSysCapabilities_Sorted(string path, string[] expected) =>
        CollectionAssert.AreEqual(expected, Single.CapabilityNamesOf(path).ToArray());

    [TestMethod]
    public void RootPolicy_AllowsEverythingAndAnswersRoot()
    {
        var root = Acl.Create([Policy.Root]);

        Assert.IsTrue(root.IsRoot);
        Assert.IsTrue(root.AllowsOperation("sys/mount/foo", Operation.Update, isRootPath: true));
        CollectionAssert.AreEqual(new[] { "root" }, root.CapabilityNamesOf("any/path").ToArray());
        Assert.AreEqual(
            Capabilities.Create | Capabilities.Read | Capabilities.Update | Capabilities.Delete | Capabilities.List
            | Capabilities.Sudo | Capabilities.Root | Capabilities.Patch,
            root.CapabilitiesOf("any/path"));
    }

    [TestMethod]
    public void RootPolicy_WithOtherPolicies_IsRefusedAsInVault()
    {
        var other = Policy.Parse("dev", AclPolicy);
        var error = Assert.ThrowsExactly<ArgumentException>(() => Acl.Create([Policy.Root, other]));
        StringAssert.Contains(error.Message, "other policies present along with root");
    }

    [TestMethod]
    public void NoPolicies_DenyEverythingButHelp()
    {
        var none = Acl.Create([]);

        Assert.IsFalse(none.IsRoot);
        Assert.IsFalse(none.AllowsOperation("secret/a", Operation.Read, isRootPath: false));
        Assert.IsTrue(none.AllowsOperation("secret/a", Operation.Help, isRootPath: true));
        Assert.AreEqual(Capabilities.None, none.CapabilitiesOf("secret/a"));
        CollectionAssert.AreEqual(new[] { "deny" }, none.CapabilityNamesOf("secret/a").ToArray());
    }

    [TestMethod]
    [DataRow("/dev/foo")]
    [DataRow("//dev/foo")]
    public void LeadingSlashes_AreIgnored(string path) =>
        Assert.IsTrue(Single.AllowsOperation(path, Operation.Read, isRootPath: false));

    private static void AssertAllows(Acl acl, Operation operation, string path, bool allowed, bool rootPrivileges)
    {
        Assert.AreEqual(allowed, acl.AllowsOperation(path, operation, isRootPath: false), "allowed");
        if (operation == Operation.Help)
        {
            // Help is always allowed, even on sudo-protected paths; Vault computes no root privileges for it.
            Assert.IsTrue(acl.AllowsOperation(path, operation, isRootPath: true));
            return;
        }

        var capabilities = acl.CapabilitiesOf(path, isList: operation == Operation.List);
        Assert.AreEqual(rootPrivileges, (capabilities & Capabilities.Sudo) != 0, "root privileges (sudo)");
        Assert.AreEqual(allowed && rootPrivileges, acl.AllowsOperation(path, operation, isRootPath: true), "allowed on a root path");
    }
}
