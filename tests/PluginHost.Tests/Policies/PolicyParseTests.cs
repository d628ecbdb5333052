using System.Text.Json;
using PluginHost.Policies;

namespace PluginHost.Tests.Policies;

/// <summary>Vault's policy_test.go TestPolicy_Parse and its bad-input tests, plus the HCL subset's own rules.</summary>
[TestClass]
public sealed class PolicyParseTests
{
    // Vault's rawPolicy without the features PluginHost refuses (mfa_methods, control_group) or OpenBao's additions.
    private const string RawPolicy = """
        # Developer policy
        name = "dev"
        # Deny all paths by default
        path "*" {
        	policy = "deny"
        }
        # Allow full access to staging
        path "stage/*" {
        	policy = "sudo"
        }
        # Limited read privilege to production
        path "prod/version" {
        	policy = "read"
        	comment = "this comment is stored but not parsed"
        }
        # Read access to foobar
        # Also tests stripping of leading slash and parsing of min/max as string and
        # integer
        path "/foo/bar" {
        	policy = "read"
        	min_wrapping_ttl = 300
        	max_wrapping_ttl = "1h"
        }
        # Add capabilities for creation and sudo to foobar
        # This will be separate; they are combined when compiled into an ACL
        # Also tests reverse string/int handling to the above
        path "foo/bar" {
        	capabilities = ["create", "sudo"]
        	min_wrapping_ttl = "300s"
        	max_wrapping_ttl = 3600
        }
        # Check that only allowed_parameters are being added to foobar
        path "foo/bar" {
        	capabilities = ["create", "sudo"]
        	allowed_parameters = {
        	  "zip" = []
        	  "zap" = []
        	}
        }
        # Check that only denied_parameters are being added to bazbar
        path "baz/bar" {
        	capabilities = ["create", "sudo"]
        	denied_parameters = {
        	  "zip" = []
        	  "zap" = []
        	}
        }
        # Check that both allowed and denied parameters are being added to bizbar
        path "biz/bar" {
        	capabilities = ["create", "sudo"]
        	allowed_parameters = {
        	  "zim" = []
        	  "zam" = []
        	}
        	denied_parameters = {
        	  "zip" = []
        	  "zap" = []
        	}
        }
        path "test/types" {
        	capabilities = ["create", "sudo"]
        	allowed_parameters = {
        		"map" = [{"good" = "one"}]
        		"int" = [1, 2]
        	}
        	denied_parameters = {
        		"string" = ["test"]
        		"bool" = [false]
        	}
        }
        path "test/req" {
        	capabilities = ["create", "sudo"]
        	required_parameters = ["foo"]
        }
        path "test/patch" {
        	capabilities = ["patch"]
        }
        path "test/+/segment" {
        	capabilities = ["create", "sudo"]
        }
        path "test/segment/at/end/+" {
        	capabilities = ["create", "sudo"]
        }
        path "test/segment/at/end/v2/+/" {
        	capabilities = ["create", "sudo"]
        }
        path "test/+/wildcard/+/*" {
        	capabilities = ["create", "sudo"]
        }
        path "test/+/wildcard/+/end*" {
        	capabilities = ["create", "sudo"]
        }
        """;

    private const Capabilities Write = Capabilities.Create | Capabilities.Read | Capabilities.Update | Capabilities.Delete | Capabilities.List;
    private const Capabilities CreateSudo = Capabilities.Create | Capabilities.Sudo;

    [TestMethod]
    public void Parse_ReadsEveryPathBlockAsVaultDoes()
    {
        var policy = Policy.Parse("  DeV ", RawPolicy);

        Assert.AreEqual("dev", policy.Name);
        Assert.AreSame(RawPolicy, policy.Text);
        var expected = new (string Pattern, Capabilities Capabilities)[]
        {
            ("*", Capabilities.Deny), ("stage/*", Write | Capabilities.Sudo), ("prod/version", Capabilities.Read | Capabilities.List),
            ("/foo/bar", Capabilities.Read | Capabilities.List), ("foo/bar", CreateSudo), ("foo/bar", CreateSudo), ("baz/bar", CreateSudo),
            ("biz/bar", CreateSudo), ("test/types", CreateSudo), ("test/req", CreateSudo), ("test/patch", Capabilities.Patch),
            ("test/+/segment", CreateSudo), ("test/segment/at/end/+", CreateSudo), ("test/segment/at/end/v2/+/", CreateSudo),
            ("test/+/wildcard/+/*", CreateSudo), ("test/+/wildcard/+/end*", CreateSudo),
        };
        CollectionAssert.AreEqual(expected, policy.Paths.Select(p => (p.Pattern, p.Capabilities)).ToArray());

        var paths = policy.Paths;
        Assert.AreEqual(TimeSpan.FromSeconds(300), paths[3].MinWrappingTtl);
        Assert.AreEqual(TimeSpan.FromHours(1), paths[3].MaxWrappingTtl);
        Assert.AreEqual(TimeSpan.FromSeconds(300), paths[4].MinWrappingTtl);
        Assert.AreEqual(TimeSpan.FromHours(1), paths[4].MaxWrappingTtl);
        Assert.AreEqual("zap,zip", Describe(paths[5].AllowedParameters));
        Assert.IsNull(paths[5].DeniedParameters);
        Assert.AreEqual("zap,zip", Describe(paths[6].DeniedParameters));
        Assert.AreEqual("zam,zim", Describe(paths[7].AllowedParameters));
        Assert.AreEqual("int=1;2,map={\"good\":\"one\"}", Describe(paths[8].AllowedParameters));
        Assert.AreEqual("bool=false,string=\"test\"", Describe(paths[8].DeniedParameters));
        CollectionAssert.AreEqual(new[] { "foo" }, paths[9].RequiredParameters!.ToArray());
        Assert.IsNull(paths[0].AllowedParameters);
        Assert.IsNull(paths[0].MinWrappingTtl);
    }

    [TestMethod]
    public void Parse_JsonForm_EqualsHclForm()
    {
        const string hcl = """
            path "secret/*" { capabilities = ["read", "list"] }
            path "secret/+/config" {
              capabilities = ["update"]
              allowed_parameters = { "ttl" = ["1h", 2] }
              required_parameters = ["ttl"]
              max_wrapping_ttl = "90s"
            }
            """;
        const string json = """
            {
              "path": {
                "secret/*": { "capabilities": ["read", "list"] },
                "secret/+/config": {
                  "capabilities": ["update"],
                  "allowed_parameters": { "ttl": ["1h", 2] },
                  "required_parameters": ["ttl"],
                  "max_wrapping_ttl": "90s"
                }
              }
            }
            """;

        var fromHcl = Policy.Parse("p", hcl).Paths;
        var fromJson = Policy.Parse("p", json).Paths;

        Assert.AreEqual(fromHcl.Count, fromJson.Count);
        for (var i = 0; i < fromHcl.Count; i++)
        {
            Assert.AreEqual(Describe(fromHcl[i]), Describe(fromJson[i]));
        }
    }

    [TestMethod]
    public void Parse_AcceptsOneLineBlocks_TrailingCommas_AndEveryCommentStyle()
    {
        var policy = Policy.Parse("p", """
            /* a block
               comment */
            path "a" { capabilities = ["read", "list",] } // trailing comma
            path "b" { capabilities = ["update"], policy = "read" } # both combine
            "path" "c" = { "capabilities" = ["create"] }
            """);

        CollectionAssert.AreEqual(
            new[] { ("a", Capabilities.Read | Capabilities.List), ("b", Capabilities.Update | Capabilities.Read | Capabilities.List), ("c", Capabilities.Create) },
            policy.Paths.Select(p => (p.Pattern, p.Capabilities)).ToArray());
    }

    [TestMethod]
    [DataRow("")]
    [DataRow("  \n# nothing but a comment\n")]
    [DataRow("{}")]
    [DataRow("\uFEFF")]
    public void Parse_EmptyPolicy_IsValidAndGrantsNothing(string text)
    {
        var policy = Policy.Parse("empty", text);

        Assert.AreEqual(0, policy.Paths.Count);
        Assert.AreEqual(Capabilities.None, Acl.Create([policy]).CapabilitiesOf("any/path"));
    }

    [TestMethod]
    [DataRow("name = \"test\"\nbad  = \"foo\"\nnope = \"yes\"", "invalid key \"bad\" on line 2")]
    [DataRow("name = \"test\"\nbad  = \"foo\"\nnope = \"yes\"", "invalid key \"nope\" on line 3")]
    [DataRow("path \"/\" {\n\tcapabilities = [\"read\"]\n\tcapabilites  = [\"read\"]\n}", "path \"/\": invalid key \"capabilites\" on line 3")]
    [DataRow("path \"/\" {\n\tpolicy = \"banana\"\n}", "path \"/\": invalid policy \"banana\"")]
    [DataRow("path \"/\" {\n\tpolicy = \"read\"\n\tmin_wrapping_ttl = 400\n\tmax_wrapping_ttl = 200\n}", "max_wrapping_ttl cannot be less than min_wrapping_ttl")]
    [DataRow("path \"/\" {\n\tcapabilities = [\"read\", \"banana\"]\n}", "path \"/\": invalid capability \"banana\"")]
    [DataRow("path \"/\" {\n\tcapabilities = [\"scan\"]\n}", "path \"/\": invalid capability \"scan\"")]
    [DataRow("path \"foo/+*\" {\n\tcapabilities = [\"read\"]\n}", "path \"foo/+*\": invalid use of wildcards ('+*' is forbidden)")]
    [DataRow("path \"secret/*/x\" { capabilities = [\"read\"] }", "path \"secret/*/x\": '*' is allowed only at the end of a path (a prefix glob); use '+' to match one segment")]
    [DataRow("name{}", "line 1: name must be a string")]
    [DataRow("path \"a\" {\n  capabilities = [\"read\"]\n  capabilities = [\"list\"]\n}", "path \"a\": duplicate key \"capabilities\" on line 3 (first on line 2)")]
    [DataRow("path \"a\" {\n  mfa_methods = [\"totp\"]\n}", "path \"a\": \"mfa_methods\" on line 2 is a Vault Enterprise feature PluginHost does not support")]
    [DataRow("path \"a\" { capabilities = [\"read\"] allowed_parameters = { \"ke*y\" = [] } }", "parameter key \"ke*y\" cannot contain non-tail wildcards")]
    [DataRow("path \"a\" { capabilities = [\"read\"] required_parameters = [\"*\"] }", "parameter key \"*\": wildcard is not permitted here")]
    [DataRow("path \"a\" { capabilities = [\"read\"] max_wrapping_ttl = \"soon\" }", "path \"a\": error parsing max_wrapping_ttl: invalid duration \"soon\"")]
    [DataRow("path \"a\" { capabilities = \"read\" }", "path \"a\": capabilities must be a list of strings (line 1)")]
    [DataRow("path \"a\" {\n  capabilities = [\"read\"]\n", "line 3, column 1: expected a key, found the end of the policy")]
    [DataRow("path \"a\" {\n  capabilities [\"read\"]\n}", "line 2, column 16: expected '=' or '{' after key \"capabilities\", found '['")]
    [DataRow("path \"a\" {\n  capabilities = [\"read\" \"list\"]\n}", "line 2, column 26: expected ',' or ']' in the list opened on line 2")]
    [DataRow("path \"a\" {\n  capabilities = [\"read]\n}", "line 2, column 19: string is not closed")]
    [DataRow("{\"path\": {\"a\": {\"capabilities\": [\"read\"],\n \"bad\": 1}}}", "path \"a\": invalid key \"bad\" on line 2")]
    [DataRow("{\"path\": ", "invalid JSON on line 1")]
    public void Parse_BadInput_FailsWithVaultsMessage(string text, string expected)
    {
        var error = Assert.ThrowsExactly<PolicyParseException>(() => Policy.Parse("p", text));

        StringAssert.StartsWith(error.Message, "failed to parse policy: ");
        StringAssert.Contains(error.Message, expected);
        Assert.AreEqual(ErrorCode.BadRequest, error.Code);
    }

    [TestMethod]
    [DataRow("")]
    [DataRow("  ")]
    [DataRow("root")]
    [DataRow(" Root ")]
    public void Parse_RefusesAnEmptyNameAndTheRootName(string name) =>
        Assert.ThrowsExactly<PolicyParseException>(() => Policy.Parse(name, "path \"a\" { capabilities = [\"read\"] }"));

    [TestMethod]
    [DataRow("30", 30)]
    [DataRow("\"45\"", 45)]
    [DataRow("\"2d\"", 172_800)]
    [DataRow("\"1h30m\"", 5_400)]
    [DataRow("\"1.5h\"", 5_400)]
    [DataRow("\"250ms\"", 0.25)]
    [DataRow("90.9", 90)]
    public void Parse_ReadsWrappingTtlsAsVaultDoes(string written, double seconds)
    {
        var policy = Policy.Parse("p", $"path \"a\" {{ capabilities = [\"read\"] min_wrapping_ttl = {written} }}");
        Assert.AreEqual(TimeSpan.FromSeconds(seconds), policy.Paths[0].MinWrappingTtl);
    }

    [TestMethod]
    public void Parse_DenyingBlock_KeepsOnlyDeny()
    {
        var rule = Policy.Parse("p", """path "a" { capabilities = ["read", "deny"] allowed_parameters = { "x" = [] } }""").Paths[0];

        Assert.AreEqual(Capabilities.Deny, rule.Capabilities);
        Assert.IsNull(rule.AllowedParameters);
    }

    [TestMethod]
    public void Parse_LowerCasesParameterNames()
    {
        var rule = Policy.Parse("p", """path "a" { capabilities = ["update"] allowed_parameters = { "ALLOW" = ["good"] } }""").Paths[0];
        Assert.AreEqual("allow=\"good\"", Describe(rule.AllowedParameters));
    }

    private static string Describe(PathRule rule) =>
        $"{rule.Pattern} {rule.Capabilities} {Describe(rule.AllowedParameters)} {Describe(rule.DeniedParameters)} "
        + $"{string.Join(',', rule.RequiredParameters ?? [])} {rule.MinWrappingTtl} {rule.MaxWrappingTtl}";

    private static string Describe(IReadOnlyDictionary<string, IReadOnlyList<JsonElement>>? parameters) =>
        parameters is null
            ? "null"
            : string.Join(',', parameters.OrderBy(p => p.Key, StringComparer.Ordinal)
                .Select(p => p.Value.Count == 0 ? p.Key : $"{p.Key}={string.Join(';', p.Value.Select(v => v.GetRawText()))}"));
}
