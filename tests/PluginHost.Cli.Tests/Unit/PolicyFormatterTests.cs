using PluginHost.Cli.Policies;

namespace PluginHost.Cli.Tests.Unit;

/// <summary><c>policy fmt</c>'s layout: re-indented, <c>key = value</c>, one blank line between blocks, every comment kept.</summary>
[TestClass]
public sealed class PolicyFormatterTests
{
    private const string Messy = """


        # Read access to secrets
        path "secret/*" {   # trailing
        capabilities=["read","list",]   // caps



              allowed_parameters = {
                  "foo" = []
          }
        }
        /* block
           comment */
        path "sys/*" { capabilities = [
          "deny"  # no
        ] }
        path "a/+/b" {
          capabilities = ["create", "update"]
          min_wrapping_ttl = "1s"
        }
        """;

    private const string Canonical = """
        # Read access to secrets
        path "secret/*" { # trailing
          capabilities = ["read", "list"] // caps

          allowed_parameters = {
            "foo" = []
          }
        }

        /* block
           comment */
        path "sys/*" {
          capabilities = [
            "deny", # no
          ]
        }

        path "a/+/b" {
          capabilities = ["create", "update"]
          min_wrapping_ttl = "1s"
        }

        """;

    [TestMethod]
    public void MessyPolicy_BecomesCanonical_WithEveryComment()
    {
        Assert.AreEqual(Canonical, PolicyFormatter.Format(Messy));
    }

    [TestMethod]
    public void CanonicalPolicy_IsLeftAsItIs()
    {
        Assert.AreEqual(Canonical, PolicyFormatter.Format(Canonical));
    }

    [TestMethod]
    public void FormattedPolicy_MeansWhatTheOriginalMeant()
    {
        var before = PluginHost.Policies.Policy.Parse("p", Messy).Paths;
        var after = PluginHost.Policies.Policy.Parse("p", PolicyFormatter.Format(Messy)).Paths;

        Assert.AreEqual(before.Count, after.Count);
        for (var i = 0; i < before.Count; i++)
        {
            Assert.AreEqual(before[i].Pattern, after[i].Pattern);
            Assert.AreEqual(before[i].Capabilities, after[i].Capabilities);
            Assert.AreEqual(string.Join(',', before[i].AllowedParameters?.Keys ?? []), string.Join(',', after[i].AllowedParameters?.Keys ?? []));
            Assert.AreEqual(before[i].MinWrappingTtl, after[i].MinWrappingTtl);
        }
    }

    [TestMethod]
    public void StringsAndEscapes_AreKeptAsWritten()
    {
        Assert.AreEqual(
            "path \"a\\\"b/{x}\" {\n  capabilities = [\"read\"]\n}\n",
            PolicyFormatter.Format("path   \"a\\\"b/{x}\"{capabilities   =   [ \"read\" ]}"));
    }

    [TestMethod]
    public void EmptyBlocksAndLists_StayEmpty()
    {
        Assert.AreEqual("path \"a\" {}\n\npath \"b\" {\n  capabilities = []\n}\n", PolicyFormatter.Format("path \"a\" {\n}\npath \"b\" { capabilities = [ ] }"));
    }

    [TestMethod]
    public void MultiLineList_GetsOneItemALine()
    {
        Assert.AreEqual(
            "path \"a\" {\n  capabilities = [\n    \"read\",\n    \"list\",\n  ]\n}\n",
            PolicyFormatter.Format("path \"a\" {\n  capabilities = [\"read\", \"list\"\n  ]\n}\n"));
    }

    [TestMethod]
    public void JsonPolicy_IsIndentedByTwoSpaces()
    {
        Assert.AreEqual(
            "{\n  \"path\": {\n    \"secret/*\": {\n      \"capabilities\": [\n        \"read\"\n      ]\n    }\n  }\n}\n",
            PolicyFormatter.Format("""{"path":{"secret/*":{"capabilities":["read"]}}}"""));
    }
}
