using PluginHost.Policies;
using static PluginHost.Tests.Policies.VaultParameterTestPolicies;
using static PluginHost.Tests.Policies.VaultTestPolicies;

namespace PluginHost.Tests.Policies;

/// <summary>
/// Vault's acl_test.go TestACL_AllowOperation, TestACL_ValuePermissions and TestACL_PolicyMerge (the last checked
/// through behaviour, since the merged maps are internal). Vault checks each case for update and create.
/// </summary>
[TestClass]
public sealed class AclParameterTests
{
    private static readonly Acl PermissionsAcl = AclOf(("dev", Permissions));
    private static readonly Acl ValuesAcl = AclOf(("op", ValuePermissions));
    private static readonly Acl MergedAcl = AclOf(("ops", Merging));

    [TestMethod]
    [DataRow("dev/ops", "zip", true)]
    [DataRow("foo/bar", "zap", false)]
    [DataRow("foo/bar", "zip", false)]
    [DataRow("foo/baz", "hello", false)]
    [DataRow("foo/baz", "zap", false)]
    [DataRow("broken/phone", "steve", false)]
    [DataRow("working/phone", "", false)]
    [DataRow("hello/world", "one", false)]
    [DataRow("tree/fort", "one", true)]
    [DataRow("tree/fort", "foo", false)]
    [DataRow("fruit/apple", "pear", false)]
    [DataRow("fruit/apple", "one", false)]
    [DataRow("cold/weather", "four", true)]
    [DataRow("var/aws", "cold,warm,kitty", false)]
    [DataRow("var/req", "cold,warm,kitty", false)]
    [DataRow("var/req", "cold,warm,kitty,foo", true)]
    public void AllowOperation_ChecksParameterNames(string path, string parameters, bool allowed)
    {
        var data = parameters.Split(',').ToDictionary(name => name, _ => Data("""{"v": ""}""")["v"]);
        Assert.AreEqual(allowed, PermissionsAcl.AllowsOperation(path, Operation.Update, isRootPath: false, data), "update");
        Assert.AreEqual(allowed, PermissionsAcl.AllowsOperation(path, Operation.Create, isRootPath: false, data), "create");
    }

    [TestMethod]
    [DataRow("foo/bar")]
    [DataRow("foo/baz")]
    [DataRow("working/phone")]
    public void WrappingTtl_AllowsNoRequest_SincePluginHostCannotWrap_ButKeepsItsCapabilities(string path)
    {
        // Vault allows these paths only to requests that ask for a wrapped response of the right TTL.
        Assert.IsFalse(PermissionsAcl.AllowsOperation(path, Operation.Update, isRootPath: false));
        Assert.IsFalse(PermissionsAcl.AllowsOperation(path, Operation.Read, isRootPath: false));
        Assert.AreEqual(
            Capabilities.Create | Capabilities.Read | Capabilities.Update | Capabilities.Delete | Capabilities.List,
            PermissionsAcl.CapabilitiesOf(path));
    }

    [TestMethod]
    [DataRow("dev/ops", """{"allow": "good"}""", true)]
    [DataRow("dev/ops", """{"allow": "bad"}""", false)]
    [DataRow("foo/bar", """{"deny": "bad"}""", false)]
    [DataRow("foo/bar", """{"deny": "bad glob"}""", false)]
    [DataRow("foo/bar", """{"deny": "good"}""", true)]
    [DataRow("foo/bar", """{"allow": "good"}""", true)]
    [DataRow("foo/bar", """{"deny": null}""", true)]
    [DataRow("foo/bar", """{"allow": null}""", true)]
    [DataRow("foo/baz", """{"aLLow": "good"}""", true)]
    [DataRow("foo/baz", """{"deny": "bad"}""", false)]
    [DataRow("foo/baz", """{"deny": "good"}""", false)]
    [DataRow("foo/baz", """{"allow": "good", "deny": "bad"}""", false)]
    [DataRow("foo/baz", """{"deny": "good", "allow": "bad"}""", false)]
    [DataRow("foo/baz", """{"deNy": "bad", "allow": "good"}""", false)]
    [DataRow("foo/baz", """{"aLLow": "bad"}""", false)]
    [DataRow("foo/baz", """{"Neither": "bad"}""", false)]
    [DataRow("foo/baz", """{"allow": null}""", false)]
    [DataRow("fizz/buzz", """{"allow_multi": "good"}""", true)]
    [DataRow("fizz/buzz", """{"allow_multi": "good1"}""", true)]
    [DataRow("fizz/buzz", """{"allow_multi": "good2"}""", true)]
    [DataRow("fizz/buzz", """{"allow_multi": "glob good2"}""", false)]
    [DataRow("fizz/buzz", """{"allow_multi": "glob good3"}""", true)]
    [DataRow("fizz/buzz", """{"allow_multi": "bad"}""", false)]
    [DataRow("fizz/buzz", """{"allow_multi": "good1", "allow": "good"}""", true)]
    [DataRow("fizz/buzz", """{"deny_multi": "bad2"}""", false)]
    [DataRow("fizz/buzz", """{"deny_multi": "good", "allow_multi": "good2"}""", false)]
    [DataRow("test/types", """{"map": {"good": "one"}}""", true)]
    [DataRow("test/types", """{"map": {"bad": "one"}}""", false)]
    [DataRow("test/types", """{"int": 1}""", true)]
    [DataRow("test/types", """{"int": 3}""", false)]
    [DataRow("test/types", """{"bool": false}""", true)]
    [DataRow("test/types", """{"bool": true}""", false)]
    [DataRow("test/star", """{"anything": true}""", true)]
    [DataRow("test/star", """{"foo": true}""", true)]
    [DataRow("test/star", """{"bar": false}""", true)]
    [DataRow("test/star", """{"bar": true}""", false)]
    public void ValuePermissions_MatchValuesAsVaultDoes(string path, string json, bool allowed)
    {
        var data = Data(json);
        Assert.AreEqual(allowed, ValuesAcl.AllowsOperation(path, Operation.Update, isRootPath: false, data), "update");
        Assert.AreEqual(allowed, ValuesAcl.AllowsOperation(path, Operation.Create, isRootPath: false, data), "create");
    }

    [TestMethod]
    [DataRow("fizz/buzz", """{"allow_multi": ["good", "good1"]}""", true)]
    [DataRow("fizz/buzz", """{"allow_multi": ["good", "bad"]}""", false)]
    [DataRow("fizz/buzz", """{"allow_multi": "good, good2"}""", true)]
    [DataRow("fizz/buzz", """{"allow_multi": "good,bad"}""", false)]
    [DataRow("foo/bar", """{"deny": ["good", "bad1"]}""", false)]
    [DataRow("foo/bar", """{"deny": "fine, bad1"}""", false)]
    [DataRow("foo/bar", """{"deny": "fine, okay"}""", true)]
    [DataRow("foo/bar", """{"deny": ["fine", "okay"]}""", true)]
    public void ListAndCommaSeparatedValues_AreCheckedElementByElement(string path, string json, bool allowed) =>
        Assert.AreEqual(allowed, ValuesAcl.AllowsOperation(path, Operation.Update, isRootPath: false, Data(json)));

    [TestMethod]
    [DataRow(Operation.Delete, """{"allow": "bad"}""", true)]
    [DataRow(Operation.List, """{"allow": "bad"}""", true)]
    [DataRow(Operation.Read, """{"allow": "bad"}""", false)]
    [DataRow(Operation.Read, """{}""", true)]
    public void Parameters_LimitOnlyReadCreateAndUpdate(Operation operation, string json, bool allowed) =>
        Assert.AreEqual(allowed, ValuesAcl.AllowsOperation("dev/ops", operation, isRootPath: false, Data(json)));

    [TestMethod]
    [DataRow("foo/bar", """{}""", false)] // baz is required (first block)
    [DataRow("foo/bar", """{"baz": "x"}""", false)] // … and denied (first block)
    [DataRow("foo/bar", """{"baz": "x", "zip": "y"}""", false)] // zip is denied (second block)
    [DataRow("allow/all", """{"anything": "x"}""", true)] // "*" from the second block
    [DataRow("allow/all", """{"test1": "bar"}""", false)] // test1 keeps its values from the first block
    [DataRow("allow/all", """{"test1": "foo", "test": "z"}""", true)]
    [DataRow("allow/all1", """{"anything": "x"}""", true)]
    [DataRow("allow/all1", """{"test1": "bar"}""", false)]
    [DataRow("deny/all", """{"anything": "x"}""", false)]
    [DataRow("deny/all", """{}""", true)]
    [DataRow("deny/all1", """{"other": "x"}""", false)]
    [DataRow("value/merge", """{"test": 1}""", false)] // denied by the first block's values
    [DataRow("value/merge", """{"test": 4}""", false)] // denied by the second block's values
    [DataRow("value/empty", """{"empty": "anything"}""", false)] // [] absorbs [1]: every value is denied
    [DataRow("value/empty", """{}""", true)]
    public void PolicyMerge_MergesParametersOfTheSamePatternAsVaultDoes(string path, string json, bool allowed) =>
        Assert.AreEqual(allowed, MergedAcl.AllowsOperation(path, Operation.Update, isRootPath: false, Data(json)));

    [TestMethod]
    public void PolicyMerge_RequiredParametersAccumulate()
    {
        // hello/universe requires foo and bar (one per block); it also has wrapping TTLs, so check a copy without them.
        var acl = AclOf(("p", """
            path "req" { capabilities = ["update"] required_parameters = ["foo"] }
            path "req" { capabilities = ["update"] required_parameters = ["bar", "foo"] }
            """));

        Assert.IsFalse(acl.AllowsOperation("req", Operation.Update, false, Data("""{"foo": 1}""")));
        Assert.IsFalse(acl.AllowsOperation("req", Operation.Update, false, Data("""{"bar": 1}""")));
        Assert.IsTrue(acl.AllowsOperation("req", Operation.Update, false, Data("""{"foo": 1, "bar": 2}""")));
        Assert.IsFalse(MergedAcl.AllowsOperation("hello/universe", Operation.Update, false, Data("""{"foo": 1, "bar": 2}""")));
    }

    [TestMethod]
    public void AllowedValueGlobs_MatchAtEitherEnd()
    {
        var acl = AclOf(("p", """
            path "g" {
              capabilities = ["update"]
              allowed_parameters = { "name" = ["pre*", "*suf", "*mid*", "*"] }
            }
            """));

        foreach (var (value, allowed) in new[] { ("prefix", true), ("the-suf", true), ("a-mid-b", true), ("*", true), ("other", false) })
        {
            Assert.AreEqual(allowed, acl.AllowsOperation("g", Operation.Update, false, Data($$"""{"name": "{{value}}"}""")), value);
        }
    }
}
