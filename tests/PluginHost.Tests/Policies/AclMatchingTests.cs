using PluginHost.Policies;
using static PluginHost.Tests.Policies.VaultTestPolicies;

namespace PluginHost.Tests.Policies;

/// <summary>Which rule applies to a path: Vault's TestACL_SegmentWildcardPriority, plus exact, prefix and list matching.</summary>
[TestClass]
public sealed class AclMatchingTests
{
    // Each policy has a read rule and an update rule that both match the path; the update rule ranks higher.
    [TestMethod]
    [DataRow("path \"+/*\" { capabilities = [\"read\"] }\npath \"*\" { capabilities = [\"update\"] }", "foo/bar/bar/baz")]
    [DataRow("path \"+/*\" { capabilities = [\"read\"] }\npath \"foo/+/*\" { capabilities = [\"update\"] }", "foo/bar/bar/baz")]
    [DataRow("path \"foo/+/+/*\" { capabilities = [\"read\"] }\npath \"foo/+/bar/baz\" { capabilities = [\"update\"] }", "foo/bar/bar/baz")]
    [DataRow("path \"foo/+/+/baz\" { capabilities = [\"read\"] }\npath \"foo/+/bar/baz\" { capabilities = [\"update\"] }", "foo/bar/bar/baz")]
    [DataRow("path \"foo/+/(ar/baz\" { capabilities = [\"read\"] }\npath \"foo/(ar/+/baz\" { capabilities = [\"update\"] }", "foo/(ar/(ar/baz")]
    [DataRow("path \"foo/bar/+/baz*\" { capabilities = [\"read\"] }\npath \"foo/bar/+/baz\" { capabilities = [\"update\"] }", "foo/bar/bar/baz")]
    [DataRow("path \"foo/bar/+/b*\" { capabilities = [\"read\"] }\npath \"foo/bar/+/ba*\" { capabilities = [\"update\"] }", "foo/bar/bar/baz")]
    [DataRow("path \"foo/*\" { capabilities = [\"read\"] }\npath \"foo/+/bar\" { capabilities = [\"update\"] }", "foo/x/bar")]
    [DataRow("path \"foo/+\" { capabilities = [\"read\"] }\npath \"foo/a*\" { capabilities = [\"update\"] }", "foo/abc")]
    public void SegmentWildcardPriority_OnlyTheHighestRankedRuleApplies(string policy, string path)
    {
        var acl = AclOf(("p", policy));

        Assert.IsTrue(acl.AllowsOperation(path, Operation.Update, isRootPath: false));
        Assert.IsFalse(acl.AllowsOperation(path, Operation.Read, isRootPath: false));
        Assert.AreEqual(Capabilities.Update, acl.CapabilitiesOf(path));
    }

    [TestMethod]
    [DataRow("secret/a/config", true)]
    [DataRow("secret/b/config", true)]
    [DataRow("secret//config", true)] // '+' matches an empty segment too, as in Vault
    [DataRow("secret/a/b/config", false)]
    [DataRow("secret/config", false)]
    [DataRow("secret/a/config/x", false)]
    [DataRow("secret/a/configs", false)]
    public void PlusSegment_MatchesExactlyOneSegment(string path, bool allowed)
    {
        var acl = AclOf(("p", """path "secret/+/config" { capabilities = ["read"] }"""));
        Assert.AreEqual(allowed, acl.AllowsOperation(path, Operation.Read, isRootPath: false));
    }

    [TestMethod]
    [DataRow("a+b", true)]
    [DataRow("axb", false)]
    [DataRow("a/+c", true)]
    [DataRow("a/xc", false)]
    public void PlusInsideASegment_IsLiteral(string path, bool allowed)
    {
        var acl = AclOf(("p", """
            path "a+b" { capabilities = ["read"] }
            path "a/+c" { capabilities = ["read"] }
            """));
        Assert.AreEqual(allowed, acl.AllowsOperation(path, Operation.Read, isRootPath: false));
    }

    [TestMethod]
    public void ExactRule_WinsOverEveryWildcard_EvenIfItGrantsLess()
    {
        var acl = AclOf(("p", """
            path "secret/*" { capabilities = ["read", "update"] }
            path "secret/+" { capabilities = ["read", "update"] }
            path "secret/app" { capabilities = ["read"] }
            """));

        Assert.IsTrue(acl.AllowsOperation("secret/app", Operation.Read, false));
        Assert.IsFalse(acl.AllowsOperation("secret/app", Operation.Update, false));
        Assert.IsTrue(acl.AllowsOperation("secret/other", Operation.Update, false));
    }

    [TestMethod]
    [DataRow("secret/a/b/c", Capabilities.Read | Capabilities.List)]
    [DataRow("secret/a/x", Capabilities.Create)]
    [DataRow("secret/ab", Capabilities.Update)]
    [DataRow("secret/", Capabilities.Delete)]
    [DataRow("secre", Capabilities.None)]
    public void LongestPrefix_Applies(string path, Capabilities expected)
    {
        var acl = AclOf(("p", """
            path "secret/*" { capabilities = ["delete"] }
            path "secret/a*" { capabilities = ["update"] }
            path "secret/a/*" { capabilities = ["create"] }
            path "secret/a/b/*" { policy = "read" }
            """));
        Assert.AreEqual(expected, acl.CapabilitiesOf(path));
    }

    [TestMethod]
    public void List_AlsoTriesThePathWithoutItsTrailingSlash()
    {
        var acl = AclOf(("p", """
            path "secret/metadata" { capabilities = ["list"] }
            path "kv/data*" { capabilities = ["list"] }
            """));

        Assert.IsTrue(acl.AllowsOperation("secret/metadata/", Operation.List, false));
        Assert.IsFalse(acl.AllowsOperation("secret/metadata/", Operation.Read, false));
        Assert.IsTrue(acl.AllowsOperation("kv/data/", Operation.List, false));
        Assert.AreEqual(Capabilities.None, acl.CapabilitiesOf("secret/metadata/"));
        Assert.AreEqual(Capabilities.List, acl.CapabilitiesOf("secret/metadata/", isList: true));
    }

    [TestMethod]
    public void SamePatternInSeveralPolicies_UnitesCapabilities_AndDenyWipesThem()
    {
        var united = AclOf(("a", """path "s/*" { capabilities = ["read"] }"""), ("b", """path "s/*" { capabilities = ["update"] }"""));
        var denied = AclOf(("a", """path "s/*" { capabilities = ["read"] }"""), ("b", """path "s/*" { capabilities = ["deny"] }"""), ("c", """path "s/*" { capabilities = ["list"] }"""));

        Assert.AreEqual(Capabilities.Read | Capabilities.Update, united.CapabilitiesOf("s/x"));
        Assert.AreEqual(Capabilities.Deny, denied.CapabilitiesOf("s/x"));
        CollectionAssert.AreEqual(new[] { "deny" }, denied.CapabilityNamesOf("s/x").ToArray());
    }

    [TestMethod]
    public void Sudo_IsNeededOnRootPaths()
    {
        var acl = AclOf(("p", """
            path "sys/mounts/*" { capabilities = ["update"] }
            path "sys/audit/*" { capabilities = ["update", "sudo"] }
            """));

        Assert.IsTrue(acl.AllowsOperation("sys/mounts/x", Operation.Update, isRootPath: false));
        Assert.IsFalse(acl.AllowsOperation("sys/mounts/x", Operation.Update, isRootPath: true));
        Assert.IsTrue(acl.AllowsOperation("sys/audit/x", Operation.Update, isRootPath: true));
        Assert.IsFalse(acl.AllowsOperation("sys/audit/x", Operation.Read, isRootPath: true));
    }

    [TestMethod]
    public void ManyPlusRules_SharingNoHead_AreNotTried_AndTheRightOneStillApplies()
    {
        var rules = Enumerable.Range(0, 500).Select(i => $$"""path "team-{{i}}/+/creds" { capabilities = ["read"] }""");
        var acl = AclOf(("p", string.Join('\n', rules) + "\npath \"+/shared/creds\" { capabilities = [\"update\"] }"));

        Assert.AreEqual(Capabilities.Read, acl.CapabilitiesOf("team-42/app/creds"));
        Assert.AreEqual(Capabilities.Read, acl.CapabilitiesOf("team-42/shared/creds")); // "+" comes later in team-42/+/creds
        Assert.AreEqual(Capabilities.Update, acl.CapabilitiesOf("team-x/shared/creds"));
        Assert.AreEqual(Capabilities.None, acl.CapabilitiesOf("team-42/app/other"));
    }

    [TestMethod]
    public void PlusRule_MatchesPathsWithMoreSegmentsThanFitOnTheStack()
    {
        var acl = AclOf(("p", """
            path "deep/+/*" { capabilities = ["read"] }
            path "deep/+/s/+" { capabilities = ["update"] }
            """));
        var deep = "deep/x/" + string.Join('/', Enumerable.Repeat("s", 200));

        Assert.AreEqual(Capabilities.Read, acl.CapabilitiesOf(deep));
        Assert.AreEqual(Capabilities.Update, acl.CapabilitiesOf("deep/x/s/y"));
    }
}
